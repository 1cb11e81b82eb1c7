#!/usr/bin/env bash
# `make test`: build, host unit tests, QEMU (SVM) boot tests, Bochs (VMX)
# boot test.  Prints one line per test and ends with "N passed, N failed";
# exits non-zero if anything failed.  `--long` adds the slower scenarios.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
LONG=0
[ "${1:-}" = "--long" ] && LONG=1
OUT=build/test
mkdir -p "$OUT"

# --- build ------------------------------------------------------------------
if make -s amphi >"$OUT/build.log" 2>&1; then
	pass "build: build/amphi"
else
	fail "build: build/amphi" "make failed" "$OUT/build.log"
	summary; exit 1
fi

# --- layering and standalone checks (docs/architecture.md) ---------------------
if tests/check-layering.sh >"$OUT/layering.log" 2>&1; then
	pass "layering: include roots and direction"
else
	fail "layering: include roots and direction" "$(head -n1 "$OUT/layering.log")" "$OUT/layering.log"
fi
if tests/check-standalone.sh >"$OUT/standalone.log" 2>&1; then
	pass "standalone: no citation of notes outside the repository"
else
	fail "standalone: no citation of notes outside the repository" "$(head -n1 "$OUT/standalone.log")" "$OUT/standalone.log"
fi

# --- host unit tests (ASan + UBSan) ------------------------------------------
if make -s -C tests/unit all >"$OUT/unit-build.log" 2>&1; then
	for t in build/unit/test_*; do
		n=$(basename "$t")
		if UNIT_QUIET=1 "$t" >"$OUT/$n.log" 2>&1; then
			pass "unit: $n ($(tail -n1 "$OUT/$n.log" | sed 's/.*\]: //'))"
		else
			fail "unit: $n" "exit $?" "$OUT/$n.log"
		fi
	done
else
	fail "unit: build" "compile failed" "$OUT/unit-build.log"
fi

# --- QEMU TCG, AMD SVM ----------------------------------------------------------
. tests/boot/qemu-cases.sh
qemu_cases

# --- test guests (tests/guests/) under SVM (builds them first) -------------------
. tests/boot/guest-cases.sh
guest_cases_svm

# --- stock Debian Linux (SVM) -------------------------------------------------------
. tests/boot/linux-cases.sh
linux_cases_svm

# --- Bochs, Intel VMX + EPT ------------------------------------------------------
. tests/boot/bochs-cases.sh
bochs_cases
# The long suite contains the short one.
if [ "$LONG" = 1 ]; then guest_cases_vmx_long; else guest_cases_vmx; fi
linux_cases_vmx
[ "$LONG" = 1 ] && linux_cases_vmx_long

summary
