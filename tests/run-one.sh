#!/usr/bin/env bash
# Run chosen scenarios from the suite files, as `make test` would, e.g.
#   tests/run-one.sh guest_build "guest_single qemu 60 msr" "guest_single bochs 240 msr"
#   tests/run-one.sh qemu_cases
#   tests/run-one.sh "linux_dom0_case 'linux svm: dom0 2 vCPUs' 2 qemu linux-svm-2"
# Each argument is one shell command, usually a function from
# tests/boot/*-cases.sh (docs/testing.md lists them).  Builds build/amphi
# first; logs go to build/test/.  Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
. tests/lib.sh
OUT=build/test
LONG=${LONG:-0}
mkdir -p "$OUT"
make -s amphi >"$OUT/build.log" 2>&1 || { fail "build: build/amphi" "make failed" "$OUT/build.log"; summary; exit 1; }
for f in tests/boot/qemu-cases.sh tests/boot/guest-cases.sh \
	tests/boot/linux-cases.sh tests/boot/bochs-cases.sh; do
	. "$f"
done
for cmd in "$@"; do
	eval "$cmd"
done
summary
