#!/usr/bin/env bash
# `make bench`: boot-time benchmark under QEMU -icount shift=0, where one
# guest instruction is one virtual nanosecond and the TSC follows virtual
# time, so the figure is deterministic: it measures path length, not host
# speed.  Reported for 1, 2 and 4 CPUs, plus the ratio to the 1-CPU run
# (the baseline measured in the same session).
set -u
cd "$(dirname "$0")/../.."
make -s amphi || exit 1
OUT=build/bench
mkdir -p "$OUT"
base=
printf '%-6s %14s %12s %8s\n' cpus tsc_ticks virt_us ratio
for n in 1 2 4; do
	log="$OUT/boot-smp$n.log"
	tests/boot/qemu.sh "$log" 600 -smp "$n" -icount shift=0 -- console=com1
	line=$(grep -E "bench: boot-to-all-cpus-online" "$log" | tail -n1)
	if [ -z "$line" ]; then
		echo "bench: no figure for -smp $n (see $log)" >&2
		exit 1
	fi
	ticks=$(sed -E 's/.* ([0-9]+) TSC ticks.*/\1/' <<<"$line")
	us=$(sed -E 's/.*= ([0-9]+) us.*/\1/' <<<"$line")
	[ -z "$base" ] && base=$ticks
	printf '%-6s %14s %12s %8s\n' "$n" "$ticks" "$us" \
		"$(awk -v a="$ticks" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
done

# Guest-measured path lengths (ticks = instructions under -icount shift=0).
make -s -C tests/guests || exit 1
G=build/guests
run_guest() {	# run_guest NAME SMP INITRD
	tests/boot/qemu.sh "$OUT/$1.log" 600 -smp "$2" -icount shift=0 -initrd "$3" \
		-- console=com1 dom0_mem=32M
}
figure() {	# figure LOG NAME -> ticks/op of the first matching line
	grep -E "bench: $2 [0-9]+ ticks/op" "$1" | head -n1 | sed -E "s/.*bench: $2 ([0-9]+) ticks.*/\1/"
}
run_guest hypercall 1 "$G/bench.elf"
hc=$(figure "$OUT/hypercall.log" null-hypercall)
cpuid=$(figure "$OUT/hypercall.log" cpuid-exit)
portrd=$(figure "$OUT/hypercall.log" port-read)
mmiord=$(figure "$OUT/hypercall.log" mmio-read)
run_guest yield-alone 2 "$G/controller.elf sleep=1000,$G/bench.elf domain=y1,,pin=1 yield yields=20000"
y1=$(figure "$OUT/yield-alone.log" yield)
run_guest yield-pair 2 "$G/controller.elf sleep=1500,$G/bench.elf domain=y1,,pin=1 yield yields=20000,$G/bench.elf domain=y2,,pin=1 yield yields=20000"
y2=$(figure "$OUT/yield-pair.log" yield)
for v in hc cpuid portrd mmiord y1 y2; do
	[ -n "${!v}" ] || { echo "bench: a guest figure is missing (see $OUT/*.log)" >&2; exit 1; }
done
echo
printf '%-40s %10s\n' "guest round trip (-icount shift=0)" "instr/op"
printf '%-40s %10s\n' "null hypercall (xen_version)" "$hc"
printf '%-40s %10s\n' "CPUID exit (leaf 0x40000000)" "$cpuid"
printf '%-40s %10s\n' "port read, unclaimed (in the hypervisor)" "$portrd"
printf '%-40s %10s\n' "MMIO read of a hole (emulator, null)" "$mmiord"
printf '%-40s %10s\n' "  ratio MMIO read : null hypercall" \
	"$(awk -v a="$mmiord" -v b="$hc" 'BEGIN { printf "%.2f", a / b }')"
printf '%-40s %10s\n' "SCHEDOP_yield, alone on its pCPU" "$y1"
# Paired, each op is one yield by each domain: two switches per op.
printf '%-40s %10s\n' "context switch (yield pair: op / 2)" "$((y2 / 2))"
printf '%-40s %10s\n' "  ratio switch : null hypercall" \
	"$(awk -v a="$((y2 / 2))" -v b="$hc" 'BEGIN { printf "%.2f", a / b }')"

# The IOMMU's share of a p2m change (selftest=iommu, q35 with QEMU's
# IOMMUs and edu device, -icount shift=0 so ns are instructions): a
# type change and back in a domain without a device, then with one
# (VT-d: the IOTLB flush; AMD-Vi: the copy's change too, and its flush).
echo
printf '%-40s %10s %10s %8s\n' "p2m change (-icount), IOMMU" "no device" "device" "ratio"
for m in intel-iommu amd-iommu; do
	tests/boot/qemu.sh "$OUT/iommu-$m.log" 600 -smp 1 -icount shift=0 \
		-machine q35 -device "$m" -device edu,dma_mask=0xffffffffff \
		-- console=com1 selftest=iommu
	line=$(grep -E "bench: a p2m change costs" "$OUT/iommu-$m.log" | head -n1)
	[ -n "$line" ] || { echo "bench: no IOMMU figure for $m (see $OUT/iommu-$m.log)" >&2; exit 1; }
	bare=$(sed -E 's/.*costs ([0-9]+) ns without.*/\1/' <<<"$line")
	dev=$(sed -E 's/.*, ([0-9]+) ns with one.*/\1/' <<<"$line")
	printf '%-40s %10s %10s %8s\n' "  $m (instr/op)" "$bare" "$dev" \
		"$(awk -v a="$dev" -v b="$bare" 'BEGIN { printf "%.2f", a / b }')"
done

# Stock Linux as dom0 (tests/linux): emulator start to /init, wall and
# instructions, and the privcmd hypercall round trip from dom0 user space.
# Wall figures are this host under QEMU TCG (noisy); instruction counts
# come from the dom0 TSC under -icount shift=0 (deterministic).
. tests/lib.sh
OUT_SAVE=$OUT
. tests/boot/linux-cases.sh
OUT=$OUT_SAVE
linux_prepare >/dev/null || { echo "bench: Linux dom0 preparation failed" >&2; exit 1; }
linux_boot() {	# linux_boot LOG [qemu args]: boot dom0 1 vCPU; echo wall s to /init
	local log=$1 t0 t1
	shift
	rm -f "$log"
	t0=$(date +%s.%N)
	tests/boot/qemu.sh "$log" 900 -smp 1 -m 2048 "$@" \
		-initrd "build/linux/vmlinuz $LINUX_KARGS,$LINUX_INITRD" \
		-- $LINUX_XEN_CMDLINE dom0_max_vcpus=1 &
	local pid=$!
	while kill -0 "$pid" 2>/dev/null && ! grep -aq "init: /init started" "$log" 2>/dev/null; do
		sleep 0.05
	done
	t1=$(date +%s.%N)
	wait "$pid"
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}
wall=$(linux_boot "$OUT/linux-wall.log")
wall_hc=$(sed -n 's/.*bench: privcmd-hypercall \([0-9]*\) ns\/op.*/\1/p' "$OUT/linux-wall.log" | head -n1)
linux_boot "$OUT/linux-icount.log" -icount shift=0 >/dev/null
init_instr=$(sed -n 's/.*init: tsc: \([0-9]*\).*/\1/p' "$OUT/linux-icount.log" | head -n1)
icount_hc=$(sed -n 's/.*bench: privcmd-hypercall \([0-9]*\) ns\/op.*/\1/p' "$OUT/linux-icount.log" | head -n1)
for v in wall_hc init_instr icount_hc; do
	[ -n "${!v}" ] || { echo "bench: a Linux figure is missing (see $OUT/linux-*.log)" >&2; exit 1; }
done
echo
printf '%-44s %16s\n' "stock Linux dom0 (1 vCPU)" "figure"
printf '%-44s %14s s\n' "emulator start -> dom0 /init (wall, TCG)" "$wall"
printf '%-44s %16s\n' "emulator start -> dom0 /init (instructions)" "$init_instr"
printf '%-44s %11s ns/op\n' "privcmd hypercall round trip (wall, TCG)" "$wall_hc"
printf '%-44s %10s instr/op\n' "privcmd hypercall round trip (-icount)" "$icount_hc"
printf '%-44s %16s\n' "  ratio privcmd : guest null hypercall" \
	"$(awk -v a="$icount_hc" -v b="$hc" 'BEGIN { printf "%.2f", a / b }')"

# Debian's toolstack in dom0 (tests/linux/xl-bench.sh), wall time under
# QEMU TCG, 2 vCPUs for dom0: xl create to the guest's /init, xl destroy
# to memory back, and the guest's PV disk and network throughput next to
# the same operation in dom0 (ratio guest / dom0: 1.00 = as fast as dom0).
linux_guest_initrd bench >/dev/null || { echo "bench: guest initramfs failed" >&2; exit 1; }
tools/mkdom0root.sh "$LINUX_TOOLSTACK_ROOT" tests/linux/xl-bench.sh=/test/run \
	tests/linux/bench-common.sh=/test/bench-common.sh \
	build/linux/vmlinuz=/guest/vmlinuz "$LINUX_GUEST_INITRD=/guest/initrd" \
	>"$OUT/xl-root.log" 2>&1 || { echo "bench: tools/mkdom0root.sh failed" >&2; exit 1; }
tests/boot/qemu.sh "$OUT/xl.log" 1500 -smp 2 -m 2048 \
	-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_test=/test/run,$LINUX_TOOLSTACK_ROOT" \
	-- console=com1 dom0_mem=1024M dom0_max_vcpus=2
xb() { sed -n "s/.*bench: $1 \([0-9]*\) ms.*/\1/p" "$OUT/xl.log" | head -n1; }
xbo() { sed -n "s/.*bench: $1 .*$2 \([0-9]*\) ms.*/\1/p" "$OUT/xl.log" | head -n1; }
create=$(xb xl-create-to-user-space)
destroy=$(xb xl-destroy-to-memory-back)
gw=$(xbo guest disk-write) gr=$(xbo guest disk-read) gn=$(xbo guest net)
dw=$(xbo dom0 disk-write) dr=$(xbo dom0 disk-read) dn=$(xbo dom0 net)
for v in create destroy gw gr gn dw dr dn; do
	[ -n "${!v}" ] || { echo "bench: a toolstack figure is missing (see $OUT/xl.log)" >&2; exit 1; }
done
mbs() { awk -v ms="$1" -v mb="$2" 'BEGIN { printf "%.1f", ms ? mb * 1000 / ms : 0 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a ? b / a : 0 }'; }
echo
printf '%-44s %10s %10s %8s\n' "Debian toolstack (wall, TCG)" "guest" "dom0" "ratio"
printf '%-44s %8s s\n' "xl create -> guest /init" "$(awk -v a="$create" 'BEGIN { printf "%.2f", a / 1000 }')"
printf '%-44s %8s s\n' "xl destroy -> memory back" "$(awk -v a="$destroy" 'BEGIN { printf "%.2f", a / 1000 }')"
printf '%-44s %7s MB/s %5s MB/s %8s\n' "disk write 64 MiB O_DIRECT (blkback)" "$(mbs "$gw" 64)" "$(mbs "$dw" 64)" "$(ratio "$gw" "$dw")"
printf '%-44s %7s MB/s %5s MB/s %8s\n' "disk read 64 MiB O_DIRECT (blkback)" "$(mbs "$gr" 64)" "$(mbs "$dr" 64)" "$(ratio "$gr" "$dr")"
printf '%-44s %7s MB/s %5s MB/s %8s\n' "HTTP 32 MiB from dom0 (netback, bridge)" "$(mbs "$gn" 32)" "$(mbs "$dn" 32)" "$(ratio "$gn" "$dn")"

# The device-model path (tests/linux/xl-dm-test.sh, tests/guests/dmtest):
# a port read and an MMIO read answered by the hypervisor itself and by
# test-dm in dom0 (Debian's libxendevicemodel and friends), next to the
# null hypercall, all measured by the same guest in the same run (wall
# time under QEMU TCG, Xen system time); and a REP INSW of 256 words from
# test-dm (a disk sector of ATA PIO), one data_is_ptr request for all of
# them, next to 256 single port reads.
make -s -C tests/guests >/dev/null 2>&1 && tests/linux/build-test-programs.sh >/dev/null ||
	{ echo "bench: the device-model test does not build" >&2; exit 1; }
tools/mkdom0root.sh "$LINUX_TOOLSTACK_ROOT" tests/linux/xl-dm-test.sh=/test/run \
	tests/linux/checks.sh=/test/checks.sh build/linux/bin/test-dm=/test/test-dm \
	build/guests/dmtest.elf=/test/dmtest.elf >"$OUT/dm-root.log" 2>&1 ||
	{ echo "bench: tools/mkdom0root.sh failed" >&2; exit 1; }
dm_boot() {	# dm_boot LOG [qemu args]
	local log=$1
	shift
	tests/boot/qemu.sh "$log" 3000 -smp 2 -m 2048 "$@" \
		-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_test=/test/run,$LINUX_TOOLSTACK_ROOT" \
		-- console=com1 dom0_mem=1024M dom0_max_vcpus=2
	grep -a "dmtest: bench:" "$log" | head -n1
}
dm=$(dm_boot "$OUT/dm.log")
# Under -icount shift=0 one nanosecond of guest time is one instruction:
# the same line then counts instructions, dom0's device model included.
dmi=$(dm_boot "$OUT/dm-icount.log" -icount shift=0)
[ -n "$dm" ] && [ -n "$dmi" ] ||
	{ echo "bench: no device-model figures (see $OUT/dm*.log)" >&2; exit 1; }
dmf() { sed -E "s/.* $2 ([0-9]+).*/\1/" <<<"$1"; }
echo
printf '%-34s %12s %8s %14s %8s\n' "device-model round trip" "wall ns/op" "/ hcall" \
	"instr/op" "/ hcall"
for f in null-hypercall hv-port-read hv-mmio-read dm-port-read dm-mmio-read \
	dm-rep-insw256; do
	printf '%-34s %12s %8s %14s %8s\n' "$f" "$(dmf "$dm" $f)" \
		"$(awk -v a="$(dmf "$dm" $f)" -v b="$(dmf "$dm" null-hypercall)" 'BEGIN { printf "%.1f", b ? a / b : 0 }')" \
		"$(dmf "$dmi" $f)" \
		"$(awk -v a="$(dmf "$dmi" $f)" -v b="$(dmf "$dmi" null-hypercall)" 'BEGIN { printf "%.1f", b ? a / b : 0 }')"
done
printf '%-34s %12s %8s %14s %8s\n' "  rep insw x256 : 256 port reads" \
	"$(awk -v a="$(dmf "$dm" dm-rep-insw256)" -v b="$(dmf "$dm" dm-port-read)" 'BEGIN { printf "%.3f", b ? a / (256 * b) : 0 }')" "" \
	"$(awk -v a="$(dmf "$dmi" dm-rep-insw256)" -v b="$(dmf "$dmi" dm-port-read)" 'BEGIN { printf "%.3f", b ? a / (256 * b) : 0 }')" ""

# HVM guests under Debian's chain: boot phases and I/O (tests/bench/hvm.sh).
tests/bench/hvm.sh || exit 1
