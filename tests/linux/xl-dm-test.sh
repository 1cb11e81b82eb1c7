#!/bin/sh
# A device model in dom0 user space (installed as /test/run in the root of
# tools/mkdom0root.sh with /test/test-dm and /test/dmtest.elf;
# tests/boot/linux-cases.sh linux_xl_dm_case):
#   - xl create -p of the test guest tests/guests/dmtest, test-dm
#     (tests/linux/dm/test-dm.c, Debian's libxendevicemodel) started for
#     its domain, xl unpause: the guest checks every value the device
#     model answers, this script checks the writes the device model saw;
#   - a guest whose device model is killed (kill -9) while its vCPU waits
#     on a request, and one whose device model exits in the middle of a
#     request: the guest stays blocked, xl destroy removes it;
#   - a device model that sets the slot back to NONE (the read gives all
#     ones) and one that answers with a state that is none (the guest is
#     crashed, preserved by on_crash, destroyed);
#   - all memory back at the end.
# One "xl-dm: PASS|FAIL" line per check (tests/linux/checks.sh); the
# device models' logs and the guests' lines of xl dmesg are copied into
# the log, prefixed "dm1: ", "guest1: "...
CHECKS_PREFIX=xl-dm
. /test/checks.sh

# The guest's RAM ends here (memory = 32 below): the device model's
# second page starts right after it, for a load across the two.
MMIO2=0x2000000

cfg() {	# cfg NAME CMDLINE
	cat >"/tmp/$1.cfg" <<-EOF
	name = "$1"
	type = "pvh"
	kernel = "/test/dmtest.elf"
	cmdline = "$2"
	memory = 32
	vcpus = 2
	EOF
}
state() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $5 }'; }

# start NAME CMDLINE [test-dm options]: a paused guest and its device
# model; DOMID and DM (its pid) set.
start() {
	name=$1 cmdline=$2
	shift 2
	cfg "$name" "$cmdline"
	run_prefixed "xl-create-$name" xl create -p "/tmp/$name.cfg"
	check "$name: xl create -p exits 0" [ "$RC" = 0 ]
	DOMID=$(xl domid "$name" 2>/dev/null)
	/test/test-dm "$@" "$DOMID" >"/tmp/$name-dm.log" 2>&1 &
	DM=$!
	check "$name: the device model is ready for d$DOMID" \
		wait_for "/tmp/$name-dm.log" "test-dm: ready" 30
}

# dm_log NAME: the device model's log into ours.
dm_log() { sed "s/^/$1-dm: /" "/tmp/$1-dm.log"; }
# has NAME LINE: the device model logged exactly LINE.
has() { grep -qxF "$2" "/tmp/$1-dm.log"; }
# follows NAME LINE1 LINE2: LINE2 right after LINE1.
follows() { grep -xF -A1 "$2" "/tmp/$1-dm.log" | tail -1 | grep -qxF "$3"; }

free0=$(free_mb)

# --- Served ----------------------------------------------------------------
start dm1 "mmio2=$MMIO2" --mmio2 "$MMIO2"
xl unpause dm1
i=0
while xl list dm1 >/dev/null 2>&1 && [ "$i" -lt 300 ]; do sleep 1; i=$((i + 1)); done
check "dm1 ran to its end and is gone (${i} s)" sh -c '! xl list dm1 >/dev/null 2>&1'
xl dmesg | grep "(d$DOMID) " | sed 's/^/guest1: /'
check "the guest's checks all passed" sh -c \
	"xl dmesg | grep -q '(d$DOMID) Test result: SUCCESS'"
check "no check failed in the guest" sh -c "! xl dmesg | grep -q '(d$DOMID) dmtest: FAIL'"
kill "$DM" 2>/dev/null
wait "$DM" 2>/dev/null
dm_log dm1
check "a second server lived and died" grep -q "test-dm: a second server" /tmp/dm1-dm.log
check "the device model bound both vCPUs' ports" grep -q "test-dm: ready: .* 2 vCPU(s)" /tmp/dm1-dm.log
check "the device model saw nothing unexpected" sh -c "! grep -q FAIL /tmp/dm1-dm.log"
check "out 1/2/4 bytes arrived" sh -c "grep -qxF 'test-dm: w port 0xc001 1 0x5a' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w port 0xc002 2 0xbeef' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w port 0xc004 4 0xfeedf00d' /tmp/dm1-dm.log"
check "rep outsb: the line arrived" has dm1 "test-dm: text: hello from dmtest via rep outsb"
check "std; rep outsb: the line arrived in order" has dm1 "test-dm: text: backwards"
check "mov stores of 1/2/4/8 bytes arrived" sh -c "grep -qxF 'test-dm: w mmio 0x30000100 1 0x11' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w mmio 0x30000102 2 0x2233' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w mmio 0x30000104 4 0x44556677' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w mmio 0x30000108 8 0x1122334455667788' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w mmio 0x30000110 4 0x99aabbcc' /tmp/dm1-dm.log"
check "add [mmio]: the read, then the sum written" \
	follows dm1 "test-dm: r mmio 0x30000820 4 0x64" "test-dm: w mmio 0x30000820 4 0x69"
check "or [mmio]: the read, then the result written" \
	follows dm1 "test-dm: r mmio 0x30000828 2 0xf0f" "test-dm: w mmio 0x30000828 2 0x3f0f"
check "rep stosl x300: 300 writes" [ "$(grep -c '^test-dm: w mmio 0x30000[b-f].. 4 0x5a5a5a5a$' /tmp/dm1-dm.log)" = 300 ]
check "PCI config writes arrived" sh -c "grep -qxF 'test-dm: w pci 0x2800000040 4 0xcafe1234' /tmp/dm1-dm.log &&
	grep -qxF 'test-dm: w pci 0x2800000041 1 0x77' /tmp/dm1-dm.log"

# --- Killed while the guest waits --------------------------------------------
start dm2 stall --stall 0x300007e0
xl unpause dm2
check "dm2: the device model holds the guest's read" \
	wait_for /tmp/dm2-dm.log "test-dm: stalling" 60
sleep 1
# As on Xen (VPF_blocked_in_xen is not VPF_blocked), a vCPU waiting for
# its device model is neither running nor blocked: "------".
check "dm2: its vCPU waits for the answer ($(state dm2))" sh -c "xl list dm2 | awk 'NR == 2 { print \$5 }' | grep -qx -- ------"
kill -9 "$DM"
wait "$DM" 2>/dev/null
dm_log dm2
sleep 1
check "dm2: still there after its device model died ($(state dm2))" sh -c "xl list | grep -q '^dm2 '"
check "dm2: and still waiting: no answer reached the guest" sh -c "! xl dmesg | grep -q '(d$DOMID) dmtest: it answered'"
run_prefixed xl-destroy-dm2 xl destroy dm2
check "dm2: xl destroy exits 0" [ "$RC" = 0 ]
check "dm2 is gone" sh -c '! xl list | grep -q "^dm2 "'

# --- Dies in the middle of a request -------------------------------------------
start dm3 stall --die 0x300007e0
xl unpause dm3
check "dm3: the device model died mid-request" \
	wait_for /tmp/dm3-dm.log "test-dm: dying" 60
wait "$DM" 2>/dev/null
dm_log dm3
sleep 1
check "dm3: still there after its device model died ($(state dm3))" sh -c "xl list | grep -q '^dm3 '"
run_prefixed xl-destroy-dm3 xl destroy dm3
check "dm3: xl destroy exits 0" [ "$RC" = 0 ]
check "dm3 is gone" sh -c '! xl list | grep -q "^dm3 "'

# --- Resets the slot: the read gives all ones, the device model goes on ----
start dm4 ones --reset 0x300007e0
xl unpause dm4
i=0
while xl list dm4 >/dev/null 2>&1 && [ "$i" -lt 120 ]; do sleep 1; i=$((i + 1)); done
kill "$DM" 2>/dev/null
wait "$DM" 2>/dev/null
dm_log dm4
xl dmesg | grep "(d$DOMID) " | sed 's/^/guest4: /'
check "dm4: a reset slot answered all ones and the next request was served" \
	sh -c "xl dmesg | grep -q '(d$DOMID) Test result: SUCCESS'"

# --- Answers with a state that is none: the guest is crashed, nothing else --
cfg dm5 stall
echo 'on_crash = "preserve"' >>/tmp/dm5.cfg
run_prefixed xl-create-dm5 xl create -p /tmp/dm5.cfg
DOMID=$(xl domid dm5 2>/dev/null)
/test/test-dm --bad-state 0x300007e0 "$DOMID" >/tmp/dm5-dm.log 2>&1 &
DM=$!
check "dm5: the device model is ready for d$DOMID" wait_for /tmp/dm5-dm.log "test-dm: ready" 30
xl unpause dm5
i=0
while ! state dm5 | grep -q c && [ "$i" -lt 60 ]; do sleep 1; i=$((i + 1)); done
check "dm5: a slot with no state crashes the guest ($(state dm5))" sh -c "xl list dm5 | awk 'NR == 2 { print \$5 }' | grep -q c"
kill "$DM" 2>/dev/null
wait "$DM" 2>/dev/null
dm_log dm5
run_prefixed xl-destroy-dm5 xl destroy dm5
check "dm5 is gone" sh -c '! xl list | grep -q "^dm5 "'
xl dmesg | grep -E "\(d[0-9]+\) dmtest: (reading|it answered)|ioreq|crash" | sed 's/^/dmesg: /'

# --- The waiting instruction rewritten by another vCPU: that guest only --
cfg dm6 rewrite
echo 'on_crash = "preserve"' >>/tmp/dm6.cfg
run_prefixed xl-create-dm6 xl create -p /tmp/dm6.cfg
DOMID=$(xl domid dm6 2>/dev/null)
/test/test-dm --slow 0x300007e8 "$DOMID" >/tmp/dm6-dm.log 2>&1 &
DM=$!
check "dm6: the device model is ready for d$DOMID" wait_for /tmp/dm6-dm.log "test-dm: ready" 30
xl unpause dm6
i=0
while ! state dm6 | grep -q c && [ "$i" -lt 60 ]; do sleep 1; i=$((i + 1)); done
check "dm6: an instruction rewritten while it waited crashes the guest ($(state dm6))" \
	sh -c "xl list dm6 | awk 'NR == 2 { print \$5 }' | grep -q c"
check "dm6: the hypervisor says why" sh -c \
	"xl dmesg | grep -q 'd$DOMID: crashed: emulation: the instruction.s access changed'"
kill "$DM" 2>/dev/null
wait "$DM" 2>/dev/null
dm_log dm6
run_prefixed xl-destroy-dm6 xl destroy dm6
check "dm6 is gone" sh -c '! xl list | grep -q "^dm6 "'

free1=$(wait_free "$free0")
check "all memory back ($free0 MiB free before, $free1 after)" [ "$free1" -ge "$free0" ]
check "xenstored still running" alive "${XENSTORED_PID:-}"
check "xenconsoled still running" alive "${XENCONSOLED_PID:-}"
checks_summary
