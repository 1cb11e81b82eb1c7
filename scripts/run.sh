#!/usr/bin/env bash
# `make run`: boot Amphi under QEMU (TCG, AMD SVM with nested paging) with
# the serial console on this terminal.  Ctrl-A X quits QEMU.
# Override with AMPHI_CMDLINE, SMP, MEM, or pass extra QEMU args.
set -euo pipefail
cd "$(dirname "$0")/.."
exec qemu-system-x86_64 -accel tcg -cpu max -m "${MEM:-1024}" -smp "${SMP:-2}" \
	-nodefaults -display none -serial mon:stdio -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel build/amphi -append "${AMPHI_CMDLINE:-console=com1 loglvl=info}" "$@"
