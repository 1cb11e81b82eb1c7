#!/bin/sh
# make bench's HVM figures, run in dom0 (the root of DOM0ROOT_HVM=1
# tools/mkdom0root.sh; tests/bench/run.sh): wall time under the emulator,
# from dom0's clock (/proc/uptime, 10 ms steps), for the two guests of
# tests/linux/xl-hvm-test.sh's disk scenarios, each booted once:
#   - nopv: Debian's kernel with xen_nopv from an AHCI disk (QEMU's AHCI
#     and e1000, nothing of Xen);
#   - pvhvm: the same kernel finding Xen (blkfront, netfront);
# from `xl create` to SeaBIOS booting the disk (xl dmesg), to GRUB
# starting the kernel and to the guest's /init (its serial port, a file);
# then inside the guest 64 MiB written and read with O_DIRECT on its data
# disk (AHCI or blkfront, a file in dom0's tmpfs behind QEMU or blkback)
# and a 32 MiB file over HTTP from dom0 (e1000 or netfront), timed by
# dom0's clock, next to the same dd on a loop device over such a file in
# dom0 and dom0 fetching the file from itself.  Prints "bench: NAME VALUE UNIT" lines.
. /test/bench-common.sh
. /test/hvm-cfg.sh
# cpu_times NAME PID: guest NAME's vCPU time in s (xl vcpu-list) and
# process PID's user+system time in clock ticks.
cpu_times() {
	g=$(xl vcpu-list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }')
	q=$(awk '{ print $14 + $15 }' "/proc/$2/stat" 2>/dev/null)
	echo "${g:-?} ${q:-?}"
}
# dmesg_at DOMID ERE MAX_S: like wait_for, on the guest's firmware output.
dmesg_at() {
	i=0
	while [ "$i" -lt "$(($3 * 20))" ]; do
		xl dmesg 2>/dev/null | grep -a "(d$1) " | grep -Eq "$2" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

bench_network

for kind in nopv pvhvm; do
	n=hb-$kind
	con=/tmp/$n-serial.log
	hvm_cfg $n /test/hvm-$kind.img 72
	t0=$(ms)
	xl create /tmp/$n.cfg >/dev/null 2>&1
	t1=$(ms)
	d=$(xl domid $n 2>/dev/null)
	dmesg_at "${d:-x}" "Booting from Hard Disk" 300 && t2=$(ms)
	wait_for "$con" "grub: booting" 600 && t3=$(ms)
	wait_for "$con" "guest: /init started" 600 && t4=$(ms)
	up=$(sed -n 's/.*guest: \/init started at \([0-9.]*\)s.*/\1/p' "$con")
	echo "bench: hvm-$kind create-to-user-space $((t4 - t0)) ms (xl create" \
		"returned after $((t1 - t0)) ms, SeaBIOS boots the disk at" \
		"$((t2 - t0)) ms, GRUB starts the kernel at $((t3 - t0)) ms;" \
		"guest uptime at /init ${up}s)"
	# Each step timed by dom0's clock from the guest's phase lines (its
	# own clock, in the "guest: bench" line, is only as good as its TSC
	# calibration under the emulator).
	qpid=$(xenstore-read "/local/domain/$d/image/device-model-pid" 2>/dev/null)
	wait_for "$con" "guest: bench phase write" 900 && p0=$(ms)
	c0=$(cpu_times "$n" "$qpid")
	wait_for "$con" "guest: bench phase read" 900 && p1=$(ms)
	c1=$(cpu_times "$n" "$qpid")
	wait_for "$con" "guest: bench phase net" 900 && p2=$(ms)
	wait_for "$con" "guest: bench phase end" 900 && p3=$(ms)
	wait_for "$con" "guest: bench .*net [0-9]+ ms" 60
	line=$(tr -d '\r' <"$con" | grep "guest: bench disk" | tail -n1)
	echo "bench: hvm-$kind guest disk-write $((p1 - p0)) ms disk-read" \
		"$((p2 - p1)) ms net $((p3 - p2)) ms (by dom0's clock)"
	echo "bench: hvm-$kind guest-clock ${line#*guest: bench }"
	# Where the disk write's wall time went: the guest's vCPU time (xl
	# vcpu-list) and QEMU's CPU time in dom0, from and to.
	echo "bench: hvm-$kind disk-write cpu (guest s, qemu ticks): from $c0 to $c1"
	xl destroy $n
	rm -f /tmp/$n.img /tmp/$n-data.img
done

# The same disk and network operations in dom0 itself.
dd if=/dev/zero of=/tmp/b.img bs=1M count=72 2>/dev/null
bench_dom0 /tmp/b.img
echo "bench: done"
