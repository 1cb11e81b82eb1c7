#!/usr/bin/env bash
# The Xen 4.17 baseline for make bench's HVM figures (not part of Amphi):
# Debian's own hypervisor (xen-hypervisor-4.17-amd64, fetched once with
# `apt-get download` into build/xen-baseline/) booted under the same QEMU
# TCG as Amphi, with the same dom0 (Debian's kernel, as Xen's default PV
# dom0), toolstack, QEMU device model, SeaBIOS and guest disk images:
# tests/bench/hvm.sh with HVM_BENCH_XEN set.  Compare its table with
# tests/bench/hvm.sh's (or make bench's last table), run in the same
# session on the same machine.
set -u
cd "$(dirname "$0")/../.."
B=build/xen-baseline
mkdir -p "$B"
if [ ! -f "$B/xen-4.17-amd64" ]; then
	deb=$(ls "$B"/xen-hypervisor-4.17-amd64_*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then
		(cd "$B" && apt-get download -q xen-hypervisor-4.17-amd64 >/dev/null 2>&1) ||
			{ apt-get update -q >/dev/null && (cd "$B" && apt-get download -q xen-hypervisor-4.17-amd64 >/dev/null); } ||
			{ echo "xen-baseline: apt-get download xen-hypervisor-4.17-amd64 failed" >&2; exit 1; }
		deb=$(ls "$B"/xen-hypervisor-4.17-amd64_*.deb | head -n1)
	fi
	rm -rf "$B/pkg" && dpkg-deb -x "$deb" "$B/pkg" &&
		zcat "$B"/pkg/boot/xen-4.17-amd64.gz >"$B/xen-4.17-amd64.tmp" &&
		mv "$B/xen-4.17-amd64.tmp" "$B/xen-4.17-amd64" ||
		{ echo "xen-baseline: no xen-4.17-amd64.gz in $deb" >&2; exit 1; }
fi
HVM_BENCH_XEN=$(pwd)/$B/xen-4.17-amd64 exec tests/bench/hvm.sh
