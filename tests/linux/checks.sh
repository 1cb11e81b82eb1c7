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
# --- the toolstack's side -------------------------------------------------
# xenconsoled's --log=guest files (tools/dom0-init.sh).
LOGS=/var/log/xen/console
# wait_for FILE PATTERN SECONDS: grep -E PATTERN in FILE until it appears.
wait_for() {
	i=0
	while [ "$i" -lt "$3" ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
# Free memory in MiB, as xl info reports it.
free_mb() { xl info 2>/dev/null | sed -n 's/^free_memory *: *//p'; }
# wait_free MIB: until dom0 sees at least MIB free again (the reaper gives
# pages back shortly after a destroy), 30 s at most; prints what it saw.
wait_free() {
	i=0
	while [ "$(free_mb)" -lt "$1" ] && [ "$i" -lt 30 ]; do sleep 1; i=$((i + 1)); done
	free_mb
}
# wait_gone ERE: until no line of xl list matches ERE (xl's per-domain
# daemon destroys a shut-down guest a moment after), 60 s at most.
wait_gone() {
	i=0
	while xl list 2>/dev/null | grep -Eq "$1" && [ "$i" -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	! xl list 2>/dev/null | grep -Eq "$1"
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
