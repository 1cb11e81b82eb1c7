#!/bin/sh
# dom0's set-up for `make run` (run by tools/dom0-init.sh with
# amphi_setup=): the bridge the demo guest's vif joins, its disk image,
# and the demo guest itself (tools/examples/demo.cfg).
brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
[ -f /tmp/demo.img ] || dd if=/dev/zero of=/tmp/demo.img bs=1M count=32 2>/dev/null
xl create /etc/xen/demo.cfg
echo "demo: the PVH guest \"demo\" is starting (10.0.0.2 on xenbr0 = 10.0.0.1/24)."
echo "demo: try: xl list; xl console demo (Ctrl-] leaves); xl shutdown demo;"
echo "demo: more guests: copy /etc/xen/demo.cfg, change name (and guest_ip), xl create it"
