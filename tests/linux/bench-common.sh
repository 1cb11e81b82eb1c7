# Shared by make bench's dom0 scripts (tests/linux/xl-bench.sh,
# xl-hvm-bench.sh; sourced, installed as /test/bench-common.sh): dom0's
# clock, a fine-grained wait, dom0's side of the network, and the disk and
# network figures of dom0 itself that the guests' are compared with.
# ms: dom0's uptime in ms (10 ms steps).
ms() { read -r up _ </proc/uptime; echo "${up%.*}${up#*.}0"; }
# wait_for FILE ERE MAX_S: grep -E ERE in FILE every 50 ms until it appears.
wait_for() {
	i=0
	while [ "$i" -lt "$(($3 * 20))" ]; do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
# bench_network: the bridge the guests' NICs join (dom0 10.0.0.1) and a
# 32 MiB file served over HTTP by busybox httpd.
bench_network() {
	brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
	mkdir -p /srv && dd if=/dev/urandom of=/srv/blob bs=1M count=32 2>/dev/null
	httpd -p 80 -h /srv
}
# bench_dom0 IMG: 64 MiB written and read with O_DIRECT on a loop device
# over IMG (a file in dom0's tmpfs, as the guests' disks are), and the
# HTTP file fetched from dom0 itself; one "bench: dom0 ..." line.
bench_dom0() {
	loop=$(losetup -f) && losetup "$loop" "$1"
	t0=$(ms); dd if=/dev/zero of="$loop" bs=1M count=64 oflag=direct 2>/dev/null
	t1=$(ms); dd if="$loop" of=/dev/null bs=1M count=64 iflag=direct 2>/dev/null
	t2=$(ms); wget -q -O /dev/null http://127.0.0.1/blob
	t3=$(ms)
	losetup -d "$loop"
	echo "bench: dom0 disk-write $((t1 - t0)) ms disk-read $((t2 - t1)) ms net $((t3 - t2)) ms"
}
