#!/usr/bin/env bash
# make bench's HVM figures (also runnable alone): Debian's toolstack,
# qemu-system-xen and SeaBIOS in dom0 (tests/linux/xl-hvm-bench.sh), wall
# time under QEMU TCG with 2 vCPUs for dom0.  For an HVM guest with
# xen_nopv and a PVHVM guest, both booted by SeaBIOS and GRUB from an
# AHCI disk: xl create to SeaBIOS booting the disk, to GRUB starting the
# kernel and to the guest's user space; the guest's data disk (QEMU's AHCI,
# or blkfront) and network (QEMU's e1000, or netfront) next to the same
# operation in dom0 (ratio guest / dom0: 1.00 = as fast as dom0).
# With HVM_BENCH_XEN=FILE the same run boots that Xen hypervisor instead
# of Amphi (tests/bench/xen-baseline.sh), with the same dom0 and guests.
set -u
cd "$(dirname "$0")/../.."
make -s amphi || exit 1
OUT=build/bench
mkdir -p "$OUT"
. tests/lib.sh
OUT_SAVE=$OUT
. tests/boot/linux-cases.sh
OUT=$OUT_SAVE
LINUX_TOOLSTACK_ROOT=build/dom0root/dom0root-hvm-bench.cpio.gz
export DOM0ROOT_HVM=1

linux_prepare >/dev/null && linux_guest_initrd bench >/dev/null ||
	{ echo "bench: Linux preparation failed" >&2; exit 1; }
files=()
for kind in nopv pvhvm; do
	cmd="console=ttyS0 quiet guest_ip=10.0.0.21 guest_bench=http://10.0.0.1/blob guest_bench_dev=/dev/xvdb guest_wait=1"
	[ $kind = nopv ] && cmd="console=ttyS0 quiet xen_nopv guest_ip=10.0.0.20 guest_bench=http://10.0.0.1/blob guest_bench_dev=unpartitioned guest_wait=1"
	tools/mkhvmdisk.sh "build/dom0root/hvm-bench-$kind.img" build/linux/vmlinuz \
		"$LINUX_GUEST_INITRD" "$cmd" >"$OUT/hvm-disk.log" 2>&1 ||
		{ echo "bench: tools/mkhvmdisk.sh failed (see $OUT/hvm-disk.log)" >&2; exit 1; }
	files+=("build/dom0root/hvm-bench-$kind.img=/test/hvm-$kind.img")
done
tools/mkdom0root.sh "$LINUX_TOOLSTACK_ROOT" tests/linux/xl-hvm-bench.sh=/test/run \
	tests/linux/bench-common.sh=/test/bench-common.sh \
	tests/linux/hvm-cfg.sh=/test/hvm-cfg.sh \
	"${files[@]}" >"$OUT/hvm-root.log" 2>&1 ||
	{ echo "bench: tools/mkdom0root.sh failed" >&2; exit 1; }
hv=Amphi log=$OUT/hvm.log
hvargs="console=com1 dom0_mem=1024M dom0_max_vcpus=2"
if [ -n "${HVM_BENCH_XEN:-}" ]; then
	# Xen prints its guests' port 0xE9 output only at guest_loglvl=all.
	# Under QEMU 7.2's TCG, Xen's PV dom0 dies at its first exception
	# with SMAP on (Xen's bounce frame faults): off for Xen.  Its user
	# space still segfaults now and then (programs lose their FS base),
	# so a run may miss figures.
	hv="Xen $(basename "$HVM_BENCH_XEN")" log=$OUT/hvm-xen.log
	hvargs="$hvargs loglvl=all guest_loglvl=all smap=0"
	export QEMU_KERNEL=$HVM_BENCH_XEN
fi
tests/boot/qemu.sh "$log" 1500 -smp 2 -m 2048 \
	-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_test=/test/run,$LINUX_TOOLSTACK_ROOT" \
	-- $hvargs
hb() { sed -n "s/.*bench: $1 .*$2 \([0-9]*\) ms.*/\1/p" "$log" | head -n1; }
s() { awk -v a="$1" 'BEGIN { printf "%.1f", a / 1000 }'; }
mbs() { awk -v ms="$1" -v mb="$2" 'BEGIN { printf "%.1f", ms ? mb * 1000 / ms : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a ? b / a : 0 }'; }
# A missing figure prints as "-" and fails the run at the end, after
# the figures that are there.
missing=0
dw=$(hb dom0 disk-write) dr=$(hb dom0 disk-read) dn=$(hb dom0 net)
[ -n "$dw" ] && [ -n "$dr" ] && [ -n "$dn" ] || missing=1
echo
printf '%-44s %9s %9s %9s %9s\n' "HVM guests on $hv (wall, TCG)" "SeaBIOS" "GRUB" "user" "xl"
for kind in nopv pvhvm; do
	line=$(grep -a "bench: hvm-$kind create-to-user-space" "$log" | head -n1)
	user=$(sed -n 's/.*create-to-user-space \([0-9]*\) ms.*/\1/p' <<<"$line")
	xl=$(sed -n 's/.*returned after \([0-9]*\) ms.*/\1/p' <<<"$line")
	bios=$(sed -n 's/.*boots the disk at \([0-9]*\) ms.*/\1/p' <<<"$line")
	grub=$(sed -n 's/.*kernel at \([0-9]*\) ms.*/\1/p' <<<"$line")
	if [ -z "$user" ] || [ -z "$bios" ] || [ -z "$grub" ]; then
		missing=1
		printf '%-44s %9s\n' "xl create -> $kind" "-"
		continue
	fi
	what="xl create -> xen_nopv (emulated devices)"
	[ $kind = pvhvm ] && what="xl create -> PVHVM (PV drivers)"
	printf '%-44s %7s s %7s s %7s s %7s s\n' "$what" \
		"$(s "$bios")" "$(s "$grub")" "$(s "$user")" "$(s "$xl")"
done
echo
printf '%-44s %10s %10s %8s\n' "HVM guest I/O on $hv (wall, TCG)" "guest" "dom0" "ratio"
for kind in nopv pvhvm; do
	gw=$(hb "hvm-$kind guest" disk-write) gr=$(hb "hvm-$kind guest" disk-read)
	gn=$(hb "hvm-$kind guest" net)
	if [ -z "$gw" ] || [ -z "$gr" ] || [ -z "$gn" ] || [ -z "$dw" ]; then
		missing=1
		printf '%-44s %10s\n' "$kind disk and network" "-"
		continue
	fi
	dev="AHCI" nic="e1000"
	[ $kind = pvhvm ] && dev="blkfront" nic="netfront"
	printf '%-44s %7s MB/s %5s MB/s %8s\n' "$kind disk write 64 MiB O_DIRECT ($dev)" "$(mbs "$gw" 64)" "$(mbs "$dw" 64)" "$(ratio "$gw" "$dw")"
	printf '%-44s %7s MB/s %5s MB/s %8s\n' "$kind disk read 64 MiB O_DIRECT ($dev)" "$(mbs "$gr" 64)" "$(mbs "$dr" 64)" "$(ratio "$gr" "$dr")"
	printf '%-44s %7s MB/s %5s MB/s %8s\n' "$kind HTTP 32 MiB from dom0 ($nic)" "$(mbs "$gn" 32)" "$(mbs "$dn" 32)" "$(ratio "$gn" "$dn")"
done
[ "$missing" = 0 ] || { echo "bench: HVM figures are missing (see $log)" >&2; exit 1; }
