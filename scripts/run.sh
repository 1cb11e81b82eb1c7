#!/usr/bin/env bash
# `make run`: boot Amphi under QEMU (TCG, AMD SVM with nested paging) with
# the serial console on this terminal and a default set of guests:
#   dom0    Debian's stock Linux 6.1 (fetched with apt by
#           tests/linux/fetch-kernel.sh) as the PVH initial domain, with a
#           busybox initramfs that loads the Xen drivers and gives an
#           interactive shell on hvc0 (/test/xen-devices-test is there to
#           try privcmd/evtchn/gntdev; `poweroff` powers the machine off);
#   legacy  a real-mode test guest beside it (prints, then halts).
# The terminal is Amphi's serial line (and dom0's console): Ctrl-C goes to
# the guest, not to QEMU.  QEMU keeps Ctrl-A as its escape: Ctrl-A X
# quits, Ctrl-A C toggles its monitor, Ctrl-A Ctrl-A sends one Ctrl-A - so
# Amphi's "Ctrl-A three times" input switch (dom0 <-> the hypervisor's
# debug keys, 'h' lists them) is Ctrl-A pressed six times.
# Overrides: AMPHI_CMDLINE, SMP, MEM (MiB), MODULES (QEMU -initrd string),
# extra arguments go to QEMU.
set -euo pipefail
cd "$(dirname "$0")/.."
G=build/guests
initrd=build/linux/dom0-shell.cpio.gz
if [ -z "${MODULES:-}" ]; then
	tests/linux/fetch-kernel.sh >/dev/null
	tests/linux/build-test-programs.sh >/dev/null
	# No /test/run: init.sh starts the shell.
	tools/mkinitramfs.sh "$initrd" - \
		build/linux/bin/xen-devices-test=/test/xen-devices-test >/dev/null
fi
default_modules="build/linux/vmlinuz console=hvc0 earlyprintk=xen,$initrd"
default_modules+=",$G/realmode.bin domain=legacy,,realmode"
exec qemu-system-x86_64 -accel tcg -cpu max -m "${MEM:-2048}" -smp "${SMP:-2}" \
	-nodefaults -display none -no-reboot \
	-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel build/amphi -append "${AMPHI_CMDLINE:-console=com1 loglvl=info dom0_mem=512M dom0_max_vcpus=2}" \
	-initrd "${MODULES:-$default_modules}" "$@"
