#!/bin/sh
# dom0's set-up for the demo guest (`make run`; run by tools/dom0-init.sh
# with amphi_setup=): the bridge its vif joins and its disk image.
brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
[ -f /tmp/demo.img ] || dd if=/dev/zero of=/tmp/demo.img bs=1M count=32 2>/dev/null
echo "demo: xenbr0 is 10.0.0.1/24; try: xl create /etc/xen/demo.cfg; xl console demo (Ctrl-] leaves); xl list"
