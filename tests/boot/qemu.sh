#!/usr/bin/env bash
# Boot build/amphi under QEMU TCG (-cpu max: AMD SVM with nested paging)
# and save the serial log.  Exits with QEMU's status, or 124 on timeout.
#   tests/boot/qemu.sh LOG TIMEOUT_S [qemu args...] -- [hypervisor cmdline]
# Extra QEMU arguments come before "--" (e.g. -smp 4, -cpu qemu64, -icount
# shift=0, -initrd 'mod1 args,mod2'); the hypervisor command line after it.
set -u
log=$1 timeout_s=$2
shift 2
qargs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do qargs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
cmdline="${*:-console=com1 loglvl=all}"
root=$(cd "$(dirname "$0")/../.." && pwd)

# Defaults that a caller's -cpu/-smp/-m override (QEMU takes the last one).
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 -accel tcg \
	-cpu max -m 1024 -smp 1 -nodefaults -display none -no-reboot \
	-serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel "$root/build/amphi" -append "$cmdline" "${qargs[@]}" \
	</dev/null >"$log.qemu" 2>&1
