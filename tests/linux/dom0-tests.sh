#!/bin/sh
# /test/run of the dom0 test initramfs: the checks that run inside Linux
# once it has booted as Amphi's initial domain.  Installed by
#   tests/linux/mkinitramfs.sh OUT - build/linux/bin/xen-devices-test \
#       tests/linux/dom0-tests.sh=/test/run
# xen-devices-test ends with "Test result: SUCCESS|FAILURE|SKIP", which the
# host side greps in the serial log; when its checks pass, the bench line
# "bench: privcmd-hypercall <ns> ns/op" follows.  amphi_bench_n=N on the
# kernel command line sets the number of timed hypercalls (default 10000).
/test/xen-devices-test || exit 1
[ -e /dev/xen/privcmd ] || exit 0
/test/xen-devices-test --bench "${amphi_bench_n:-10000}"
