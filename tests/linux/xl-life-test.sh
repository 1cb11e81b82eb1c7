#!/bin/sh
# The rest of a PVH guest's life under xl, and what goes wrong (installed
# as /test/run in the root of tools/mkdom0root.sh with the guest kernel
# and initramfs in /guest; tests/boot/linux-cases.sh linux_xl_life_case):
#   - xl pause/unpause, vcpu-list, vcpu-pin, destroy;
#   - on_crash="preserve" keeps a crashed guest for inspection;
#   - a missing kernel and a kernel that is not one give xl's error and
#     leave no domain and no memory behind;
#   - a guest destroyed while blkback is mid-I/O: dom0 lets go and every
#     page comes back;
#   - 20 rounds of create + destroy mid-boot leak nothing.
# One "xl-life: PASS|FAIL" line per check (tests/linux/checks.sh).
CHECKS_PREFIX=xl-life
. /test/checks.sh

state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }
cfg() {	# cfg NAME EXTRA [more xl.cfg lines]
	name=$1 extra=$2
	shift 2
	{
		echo "name = \"$name\""
		echo 'type = "pvh"'
		echo 'kernel = "/guest/vmlinuz"'
		echo 'ramdisk = "/guest/initrd"'
		echo "extra = \"console=hvc0 guest_wait=1 $extra\""
		echo 'memory = 128'
		for l in "$@"; do echo "$l"; done
	} >"/tmp/$name.cfg"
}

free0=$(free_mb)

# Pause, vCPUs, pinning, destroy.
cfg life "" 'vcpus = 2'
run_prefixed xl-create xl create /tmp/life.cfg
check "xl create exits 0" [ "$RC" = 0 ]
check "the guest is ready" wait_for "$LOGS/guest-life.log" "guest: ready" 300
check "the guest brought both vCPUs up" grep -q "guest: 2 CPUs" "$LOGS/guest-life.log"
xl pause life
check "xl pause: the state shows p ($(state life))" sh -c "state() { xl list life | awk 'NR == 2 { print \$5 }'; }; state | grep -q p"
xl unpause life
check "xl unpause: no p any more ($(state life))" sh -c "xl list life | awk 'NR == 2 { print \$5 }' | grep -vq p"
run_prefixed vcpu-list xl vcpu-list life
check "xl vcpu-list shows two vCPUs" [ "$(grep -c '^life ' /tmp/out)" = 2 ]
run_prefixed vcpu-pin xl vcpu-pin life 1 0
check "xl vcpu-pin exits 0" [ "$RC" = 0 ]
run_prefixed vcpu-list-2 xl vcpu-list life
check "vCPU 1 is pinned to CPU 0" grep -Eq '^life +[0-9]+ +1 +[0-9-]+ +[-a-z]+ +[0-9.]+ +0 /' /tmp/out
run_prefixed xl-destroy xl destroy life
check "xl destroy exits 0" [ "$RC" = 0 ]
check "life is gone" sh -c '! xl list | grep -q "^life "'

# on_crash.
cfg crashy guest_crash=1 'on_crash = "preserve"'
run_prefixed xl-create-crash xl create /tmp/crashy.cfg
check "the guest crashes itself" wait_for "$LOGS/guest-crashy.log" "guest: crashing" 300
i=0
while [ "$i" -lt 60 ] && ! state crashy | grep -q c; do sleep 1; i=$((i + 1)); done
check "on_crash=preserve keeps it, crashed ($(state crashy))" sh -c "xl list crashy | awk 'NR == 2 { print \$5 }' | grep -q c"
run_prefixed xl-destroy-crash xl destroy crashy
check "the crashed guest is gone after xl destroy" sh -c '! xl list | grep -q "^crashy "'

# Bad configurations: xl's error, nothing left.
cfg nokernel "" 'kernel = "/guest/no-such-kernel"'
run_prefixed xl-create-nokernel xl create /tmp/nokernel.cfg
check "a missing kernel: xl create fails" [ "$RC" != 0 ]
head -c 65536 /dev/urandom >/tmp/garbage.bin
cfg garbage "" 'kernel = "/tmp/garbage.bin"'
run_prefixed xl-create-garbage xl create /tmp/garbage.cfg
check "a kernel that is not one: xl create fails" [ "$RC" != 0 ]
run_prefixed xl-list xl list
check "no domain is left behind" sh -c '! grep -Eq "^(nokernel|garbage) " /tmp/out'

# Destroyed mid-I/O: dom0's blkback still maps its grants.
dd if=/dev/zero of=/tmp/io.img bs=1M count=16 2>/dev/null
cfg io guest_io=1 "disk = [ '/tmp/io.img,raw,xvda,w' ]"
run_prefixed xl-create-io xl create /tmp/io.cfg
check "the I/O guest is busy on its disk" wait_for "$LOGS/guest-io.log" "guest: disk I/O running" 300
sleep 3
run_prefixed xl-destroy-io xl destroy io
check "xl destroy mid-I/O exits 0" [ "$RC" = 0 ]
check "the I/O guest is gone" sh -c '! xl list | grep -q "^io "'

# Created and destroyed again and again, mid-boot: every round works and
# nothing leaks.  Each failing command's output goes to the log.
cfg churn ""
round=0 bad=0
while [ "$round" -lt 20 ]; do
	for cmd in "create /tmp/churn.cfg" "destroy churn"; do
		# shellcheck disable=SC2086 # cmd is two words on purpose
		if ! timeout 120 xl $cmd >/tmp/churn.out 2>&1; then
			bad=$((bad + 1))
			sed "s/^/churn-$round: xl $cmd: /" /tmp/churn.out
		fi
	done
	round=$((round + 1))
done
check "20 rounds of xl create + xl destroy, none failed ($bad failures)" [ "$bad" = 0 ]
check "no churn domain left" sh -c '! xl list | grep -q "^churn "'

free1=$(wait_free "$free0")
check "all memory back after all that ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]

run_prefixed xl-info-free sh -c "xl info | grep -E '^(total|free)_memory'"
check "xenstored still running" alive "${XENSTORED_PID:-}"
check "xenconsoled still running" alive "${XENCONSOLED_PID:-}"
checks_summary
