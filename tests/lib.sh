# Shared helpers for tests/run-tests.sh and tests/bench/run.sh.
# Results are counted in PASSED/FAILED/SKIPPED; each test prints one line.
PASSED=0
FAILED=0
SKIPPED=0
FAILED_NAMES=()

pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$1"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf 'SKIP  %s (%s)\n' "$1" "$2"; }
fail() {
	FAILED=$((FAILED + 1)); FAILED_NAMES+=("$1")
	printf 'FAIL  %s: %s\n' "$1" "$2"
	[ -n "${3:-}" ] && [ -f "$3" ] && { echo "----- last lines of $3"; tail -n 25 "$3"; echo "-----"; }
	return 0
}

# expect_lines NAME LOG PATTERN...: every extended regex must match a line.
# A pattern starting with "!" must NOT match any line.
expect_lines() {
	local name=$1 log=$2 p
	shift 2
	for p in "$@"; do
		if [ "${p:0:1}" = "!" ]; then
			if grep -aEq -- "${p:1}" "$log"; then
				fail "$name" "log unexpectedly matches /${p:1}/" "$log"; return 1
			fi
		elif ! grep -aEq -- "$p" "$log"; then
			fail "$name" "log lacks /$p/" "$log"; return 1
		fi
	done
	return 0
}

summary() {
	echo
	[ ${#FAILED_NAMES[@]} -gt 0 ] && echo "failed: ${FAILED_NAMES[*]}"
	if [ "$SKIPPED" -gt 0 ]; then
		echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	else
		echo "$PASSED passed, $FAILED failed"
	fi
	[ "$FAILED" -eq 0 ]
}
