#!/usr/bin/env bash
# `make run`: boot Amphi under QEMU (TCG, AMD SVM with nested paging) with
# the serial console on this terminal and a default set of guests:
#   dom0    Debian's stock Linux 6.1 (fetched with apt by
#           tests/linux/fetch-kernel.sh) as the PVH initial domain, with
#           the root of tools/mkdom0root.sh: Debian's Xen 4.17 toolstack
#           (xenstored, xenconsoled, xl) started as on Xen, then a shell on
#           hvc0; the PVH guest "demo" is started at boot with xl
#           (tools/examples/demo.cfg: Debian's kernel, a disk image, a vif
#           on the bridge xenbr0 = 10.0.0.1/24): `xl list`, `xl console
#           demo` reach it, and more guests start from copies of
#           /etc/xen/demo.cfg; beside it the HVM guest "hvm-demo"
#           (tools/examples/hvm-demo.cfg: hvmloader, SeaBIOS and GRUB boot
#           Debian's kernel from a disk image of tools/mkhvmdisk.sh, with
#           qemu-system-xen in dom0 as its device model; `xl console
#           hvm-demo` is its serial port); `poweroff` powers the machine off;
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
initrd=build/dom0root/run.cpio.gz
guest=build/dom0root/demo-guest.cpio.gz
hvmdisk=build/dom0root/hvm-demo.img
if [ -z "${MODULES:-}" ]; then
	tests/linux/fetch-kernel.sh >/dev/null
	INITRAMFS_MODULES="xen-blkfront xen-netfront ext4 crc32c_generic" \
		tools/mkinitramfs.sh "$guest" tests/linux/guest-init.sh >/dev/null
	tools/mkhvmdisk.sh "$hvmdisk" build/linux/vmlinuz "$guest" \
		"console=ttyS0 quiet guest_wait=1 guest_ip=10.0.0.3 guest_disk=1 guest_disk_dev=/dev/xvdb" \
		2>/dev/null
	# No amphi_test=: dom0-init.sh starts a shell once the daemons run.
	DOM0ROOT_HVM=1 tools/mkdom0root.sh "$initrd" \
		tools/examples/demo.cfg=/etc/xen/demo.cfg \
		tools/examples/hvm-demo.cfg=/etc/xen/hvm-demo.cfg \
		tools/examples/demo-setup.sh=/etc/xen/demo-setup.sh \
		build/linux/vmlinuz=/guest/vmlinuz "$guest=/guest/initrd" \
		"$hvmdisk=/guest/hvm.img" >/dev/null
fi
default_modules="build/linux/vmlinuz console=hvc0 earlyprintk=xen amphi_setup=/etc/xen/demo-setup.sh,$initrd"
default_modules+=",$G/realmode.bin domain=legacy,,realmode"
# thread=single: see docs/testing.md, "QEMU 7.2 and SVM".
exec qemu-system-x86_64 -accel tcg,thread=single -cpu max -m "${MEM:-2048}" -smp "${SMP:-2}" \
	-nodefaults -display none -no-reboot \
	-chardev stdio,id=con,mux=on,signal=off -serial chardev:con -mon chardev=con \
	-device isa-debug-exit,iobase=0xf4,iosize=4 \
	-kernel build/amphi -append "${AMPHI_CMDLINE:-console=com1 loglvl=info dom0_mem=1024M dom0_max_vcpus=2}" \
	-initrd "${MODULES:-$default_modules}" "$@"
