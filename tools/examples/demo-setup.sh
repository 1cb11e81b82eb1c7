#!/bin/sh
# dom0's set-up for `make run` (run by tools/dom0-init.sh with
# amphi_setup=): the bridge the demo guests' NICs join, their disk
# images, the PVH guest demo (tools/examples/demo.cfg) and the HVM guest
# hvm-demo (tools/examples/hvm-demo.cfg).
brctl addbr xenbr0 && ip addr add 10.0.0.1/24 dev xenbr0 && ip link set xenbr0 up
[ -f /tmp/demo.img ] || dd if=/dev/zero of=/tmp/demo.img bs=1M count=32 2>/dev/null
xl create /etc/xen/demo.cfg
[ -f /tmp/hvm-demo.img ] || cp /guest/hvm.img /tmp/hvm-demo.img
[ -f /tmp/hvm-demo-data.img ] || dd if=/dev/zero of=/tmp/hvm-demo-data.img bs=1M count=8 2>/dev/null
xl create /etc/xen/hvm-demo.cfg
echo "demo: the PVH guest \"demo\" is starting (10.0.0.2 on xenbr0 = 10.0.0.1/24)."
echo "demo: try: xl list; xl console demo (Ctrl-] leaves); xl shutdown demo;"
echo "demo: more guests: copy /etc/xen/demo.cfg, change name (and guest_ip), xl create it"
echo "demo: the HVM guest \"hvm-demo\" is starting too (hvmloader, SeaBIOS, GRUB, Linux; 10.0.0.3):"
echo "demo: its firmware prints in xl dmesg; xl console hvm-demo is its serial port (after a minute or two)"
