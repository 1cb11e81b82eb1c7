# Stock Debian Linux on Amphi (the dom0 stage, in progress).  Sourced by
# tests/run-tests.sh.  Today's check: Amphi unpacks Debian's own bzImage
# (XZ), loads the vmlinux at its physical address, enters it through PVH,
# and the kernel's early console (console_io) reaches the serial line with
# Linux recognising Xen.  It does not yet boot to /init: that needs
# memory_op, shared_info/pvclock, vcpu_op and event channels (issue 4).

linux_cases() {
	local name="linux: Debian bzImage unpacked, entered via PVH, banner on console_io"
	local kver log="$OUT/linux-fetch.log"

	if ! kver=$(tests/linux/fetch-kernel.sh 2>"$log"); then
		fail "$name" "tests/linux/fetch-kernel.sh failed" "$log"
		return
	fi
	LOG="$OUT/qemu-linux-banner.log"
	tests/boot/qemu.sh "$LOG" 300 -m 2048 \
		-initrd "build/linux/vmlinuz earlyprintk=xen console=hvc0" \
		-- console=com1 loglvl=all dom0_mem=512M
	expect_lines "$name" "$LOG" \
		"bzImage v2\.[0-9]+, XZ payload .* -> vmlinux .* MiB" \
		"d0: ELF64 x86-64, paddr 0x1000000-" \
		"\(d0\) .*Linux version ${kver%% *}" \
		"\(d0\) .*Hypervisor detected: Xen HVM" \
		"!FATAL|Panic|Unexpected exception" && pass "$name ($kver)"
}
