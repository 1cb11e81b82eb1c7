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
