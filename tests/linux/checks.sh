# Shared by the dom0 test scripts run under tools/dom0-init.sh (sourced;
# installed as /test/checks.sh): one "$CHECKS_PREFIX: PASS|FAIL: <check>"
# line per check, counted; the output of commands prefixed per command.
PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "$CHECKS_PREFIX: PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "$CHECKS_PREFIX: FAIL: $*"; }
check() {	# check WHAT COMMAND...: pass if COMMAND succeeds
	what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}
alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }
# run_prefixed PREFIX COMMAND...: its output in /tmp/out and the log,
# prefixed; its status in RC.  Each command gets 120 s.
run_prefixed() {
	prefix=$1
	shift
	echo "$CHECKS_PREFIX: running $*"
	timeout 120 "$@" >/tmp/out 2>&1
	RC=$?
	sed "s/^/$prefix: /" /tmp/out
	echo "$CHECKS_PREFIX: $* exited with status $RC"
}
# The summary line and the result line tests/boot/*-cases.sh look for.
checks_summary() {
	echo "$CHECKS_PREFIX: $PASSED checks passed, $FAILED failed"
	if [ "$FAILED" = 0 ]; then
		echo "Test result: SUCCESS"
	else
		echo "Test result: FAILURE"
	fi
}
