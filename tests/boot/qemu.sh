#!/usr/bin/env bash
# Boot build/amphi under QEMU TCG (-cpu max: AMD SVM with nested paging)
# and save the serial log.  Exits with QEMU's status, or 124 on timeout.
#   tests/boot/qemu.sh LOG TIMEOUT_S [qemu args...] -- [hypervisor cmdline]
# Extra QEMU arguments come before "--" (e.g. -smp 4, -cpu qemu64, -icount
# shift=0, -initrd 'mod1 args,mod2'); the hypervisor command line after it.
# QEMU_KERNEL boots another multiboot hypervisor instead of build/amphi
# (make bench's Xen baseline, tests/bench/xen-baseline.sh).
# Serial input: with SERIAL_INPUT set (printf %b escapes, e.g.
# 'ls\r\x01'), that is typed on the serial line once the log matches the
# extended regex SERIAL_INPUT_AFTER (default: at the first output), not
# before: what reaches the UART before the hypervisor resets its FIFOs
# is lost.  SERIAL_INPUT2 is typed next, once the log matches
# SERIAL_INPUT2_AFTER (a second step that must wait for the answer to
# the first, so typed-ahead echo cannot interleave with that answer).
set -u
log=$1 timeout_s=$2
shift 2
qargs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do qargs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
cmdline="${*:-console=com1 loglvl=all}"
root=$(cd "$(dirname "$0")/../.." && pwd)

# Defaults that a caller's -cpu/-smp/-m override (QEMU takes the last one).
# One TCG thread for all CPUs: QEMU 7.2's multi-threaded TCG lets one CPU
# clobber another's SVM state (docs/testing.md, "QEMU 7.2 and SVM").
run_qemu() {
	timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 -accel tcg,thread=single \
		-cpu max -m 1024 -smp 1 -nodefaults -display none -no-reboot \
		"$@" -device isa-debug-exit,iobase=0xf4,iosize=4 \
		-kernel "${QEMU_KERNEL:-$root/build/amphi}" -append "$cmdline" "${qargs[@]}"
}

if [ -z "${SERIAL_INPUT+x}" ]; then
	run_qemu -serial "file:$log" </dev/null >"$log.qemu" 2>&1
	exit
fi

# The serial line is QEMU's stdin (a FIFO we hold open, so QEMU never
# sees EOF) and its log file.  A QEMU that is gone must not kill us
# with SIGPIPE: its status is what we report.
trap '' PIPE
fifo=$(mktemp -u "${TMPDIR:-/tmp}/amphi-serial.XXXXXX")
mkfifo "$fifo" || exit 2
: >"$log"
run_qemu -chardev "stdio,id=ser0,signal=off,logfile=$log" -serial chardev:ser0 \
	<"$fifo" >/dev/null 2>"$log.qemu" &
qpid=$!
exec 3>"$fifo"
rm -f "$fifo"
# type_after REGEX TEXT: wait for REGEX in the log, then type TEXT.
type_after() {
	while kill -0 "$qpid" 2>/dev/null; do
		if grep -Eqa -- "$1" "$log"; then
			printf '%b' "$2" >&3
			return 0
		fi
		sleep 0.1
	done
	return 1
}
type_after "${SERIAL_INPUT_AFTER:-}" "$SERIAL_INPUT" &&
	[ -n "${SERIAL_INPUT2+x}" ] &&
	type_after "${SERIAL_INPUT2_AFTER:-}" "$SERIAL_INPUT2"
wait "$qpid"
rc=$?
exec 3>&-
exit "$rc"
