# Sourced in dom0 by tests/linux/xl-hvm-test.sh and xl-hvm-bench.sh.
# hvm_cfg NAME IMAGE [DATA_MIB]: /tmp/NAME.cfg, an ordinary xl.cfg for an
# HVM guest booting a copy of IMAGE (tools/mkhvmdisk.sh's: GRUB, Debian's
# kernel, the guests' initramfs tests/linux/guest-init.sh) from its first
# AHCI disk, with an empty second disk of DATA_MIB (default 8) for its
# data and an e1000 NIC on xenbr0; its serial port is logged to
# /tmp/NAME-serial.log.
hvm_cfg() {
	cp "$2" "/tmp/$1.img"
	dd if=/dev/zero of="/tmp/$1-data.img" bs=1M count="${3:-8}" 2>/dev/null
	cat >"/tmp/$1.cfg" <<-CFG
	name = "$1"
	type = "hvm"
	memory = 256
	vcpus = 1
	vga = "none"
	vnc = 0
	serial = "file:/tmp/$1-serial.log"
	hdtype = "ahci"
	disk = [ '/tmp/$1.img,raw,hda,w', '/tmp/$1-data.img,raw,hdb,w' ]
	vif = [ 'bridge=xenbr0,model=e1000' ]
	boot = "c"
	on_poweroff = "destroy"
	on_reboot = "restart"
	on_crash = "preserve"
	CFG
}
