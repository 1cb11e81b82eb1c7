#!/bin/sh
# /test/run of the dom0 test initramfs: the checks that run inside Linux
# once it has booted as Amphi's initial domain.  Installed by
#   tools/mkinitramfs.sh OUT - build/linux/bin/xen-devices-test \
#       tests/linux/dom0-tests.sh=/test/run
# Lines the host side greps in the serial log (tests/boot/linux-cases.sh):
#   dom0-tests: processors online: N        (from /proc/cpuinfo)
#   dom0-tests: host BIOS area: firmware RSDP found|no firmware RSDP
#   pci-conf: ...                           (pci-conf-test: vPCI)
#   sleep-check: sleep 2 took <ms> ms of hypervisor time
#   Test result: SUCCESS|FAILURE|SKIP       (xen-devices-test)
#   bench: privcmd-hypercall <ns> ns/op     (when the checks pass)
#   xen-foreign: PASS|FAIL: ...               (xen-foreign-test, with a peer)
# amphi_ecam=BASE on the kernel command line has pci-conf-test check the
# ECAM window at BASE as well, amphi_dma_out=GPA has it point a device's
# DMA at GPA (where dom0 has no memory); amphi_bench_n=N sets the number of timed
# hypercalls (default 10000); amphi_peer=D runs xen-foreign-test against
# domain D (a tests/guests/peer domain) instead of the benchmark.
echo "dom0-tests: processors online: $(grep -c '^processor' /proc/cpuinfo)"
# The host's BIOS area is dom0's 1:1 (pv/dom0_memmap.h), so the firmware's
# own RSDP (SeaBIOS and Bochs's BIOS put it in 0xE0000-0xFFFFF) reads back
# through /dev/mem, which Linux allows below 1 MiB.
if dd if=/dev/mem bs=4096 skip=224 count=32 2>/dev/null | grep -q 'RSD PTR '; then
	echo "dom0-tests: host BIOS area: firmware RSDP found"
else
	echo "dom0-tests: host BIOS area: no firmware RSDP"
fi
# PCI configuration space through Amphi's vPCI (tests/linux/pci-conf-test.c).
# The hypervisor's console is com1 (console=com1), at 0x3f8.
/test/pci-conf-test --uart 0x3f8 ${amphi_ecam:+--ecam "$amphi_ecam"} \
	${amphi_dma_out:+--dma-outside "$amphi_dma_out"}
/test/xen-devices-test --sleep-check 2
/test/xen-devices-test || exit 1
[ -e /dev/xen/privcmd ] || exit 0
if [ -n "${amphi_peer:-}" ]; then
	/test/xen-foreign-test "$amphi_peer"
	exit
fi
/test/xen-devices-test --bench "${amphi_bench_n:-10000}"
