#!/usr/bin/env bash
# Sanity check of the dom0 test scaffolding without Amphi: fetch the kernel,
# build the test program and the initramfs, boot them under plain QEMU TCG
# (no Xen) and expect /init to run, find no Xen, run /test/run (which reports
# "Test result: SKIP") and power off.
#   tests/linux/plain-qemu-check.sh [LOG]     (default build/linux/plain-qemu.log)
# Exits 0 on success; prints one line "plain-qemu: ..." with the timings.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LB=${LINUX_BUILD:-$ROOT/build/linux}
LOG=${1:-$LB/plain-qemu.log}
T=$ROOT/tests/linux

"$T/fetch-kernel.sh" >/dev/null
"$T/build-test-programs.sh" >/dev/null
"$ROOT/tools/mkinitramfs.sh" "$LB/dom0-test.cpio.gz" - "$LB/bin/xen-devices-test" \
	"$T/dom0-tests.sh=/test/run" 2>/dev/null

t0=$(date +%s.%N)
# perl-base (Essential) stamps each serial line with host seconds since start.
timeout --kill-after=5 180 qemu-system-x86_64 -accel tcg -m 1024 -nographic \
	-no-reboot -kernel "$LB/vmlinuz" -initrd "$LB/dom0-test.cpio.gz" \
	-append "console=ttyS0 panic=-1" </dev/null 2>&1 |
	perl -MTime::HiRes=time -ne 'BEGIN { $t0 = time; $| = 1 } printf "%7.2f %s", time - $t0, $_' \
	>"$LOG" || true
t1=$(date +%s.%N)

ok=1
for p in 'init: /init started' 'not a Xen domain' 'Test result: SKIP' 'init: powering off'; do
	grep -q "$p" "$LOG" || { echo "plain-qemu: FAIL: no \"$p\" in $LOG"; ok=0; }
done
[ $ok = 1 ] || { tail -n 20 "$LOG"; exit 1; }
host=$(grep -m1 'init: /init started' "$LOG" | awk '{ print $1 }')
kern=$(grep -m1 'Run /init as init process' "$LOG" | sed -E 's/.*\[ *([0-9.]+)\].*/\1/')
echo "plain-qemu: PASS: /init after ${host} s host time (${kern} s kernel uptime), whole run $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s"
