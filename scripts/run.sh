#!/usr/bin/env bash
# `make run`: boot Amphi under QEMU (TCG, AMD SVM with nested paging) with
# the serial console on this terminal, and a default set of guests: the
# controller test guest as dom0 (sleeps 5 s, then powers the machine off),
# two CPU-bound domains sharing pCPU 0 with weights 256 and 512, and a
# real-mode guest.  At power-off Amphi prints each domain's CPU time.
# The terminal is Amphi's serial line (and the initial domain's console):
# Ctrl-C goes to the guest, not to QEMU.  QEMU keeps Ctrl-A as its escape:
# Ctrl-A X quits, Ctrl-A C toggles its monitor, Ctrl-A Ctrl-A sends one
# Ctrl-A - so Amphi's "Ctrl-A three times" input switch (dom0 <-> the
# hypervisor's debug keys, 'h' lists them) is Ctrl-A pressed six times.
# Overrides: AMPHI_CMDLINE, SMP, MEM (MiB), MODULES (QEMU -initrd string),
# extra arguments go to QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
G=build/guests
default_modules="$G/controller.elf sleep=5000,$G/spin.elf domain=light,,weight=256,,pin=0"
default_modules+=",$G/spin.elf domain=heavy,,weight=512,,pin=0,$G/realmode.bin domain=legacy,,realmode"
exec qemu-system-x86_64 -accel tcg -cpu max -m "${MEM:-1024}" -smp "${SMP:-2}" \
	-nodefaults -display none -no-reboot \
	-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel build/amphi -append "${AMPHI_CMDLINE:-console=com1 loglvl=info dom0_mem=32M}" \
	-initrd "${MODULES:-$default_modules}" "$@"
