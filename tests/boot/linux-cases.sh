# Stock Debian Linux 6.1 as Amphi's PVH initial domain (issue 4).
# Sourced by tests/run-tests.sh after tests/lib.sh.
#   linux_cases_svm   QEMU TCG (SVM): dom0 with 1 and 2 vCPUs, in make test
#   linux_cases_vmx   Bochs (VMX): dom0 with 1 vCPU, in make test (~2 min)
#   linux_cases_vmx_long  Bochs: dom0 with 2 vCPUs, an HVM guest (make test-long)
#   linux_toolstack_case  QEMU (SVM): Debian's toolstack in dom0
#
# The initramfs (tools/mkinitramfs.sh) runs tests/linux/init.sh as
# /init and tests/linux/dom0-tests.sh as /test/run; the lines relied on:
#   init: /init started ...                 init.sh reached
#   init: hypervisor type: xen ...          /sys/hypervisor/type
#   dom0-tests: processors online: N        /proc/cpuinfo
#   sleep-check: sleep 2 took <ms> ms of hypervisor time
#   Test result: SUCCESS                    xen-devices-test (privcmd,
#                                           evtchn, gntalloc + gntdev)
#   bench: privcmd-hypercall <ns> ns/op
#   init: powering off ...                  then Amphi powers the machine off
# and Amphi's "Powering off (ACPI S5)" with QEMU exiting 0.  The kernel
# must not log "unchecked MSR access": every MSR of a feature the CPUID
# policy advertises is handled (hvm/cpu_policy.c).

LINUX_INITRD=build/linux/dom0-test.cpio.gz
LINUX_XEN_CMDLINE="console=com1 loglvl=all dom0_mem=512M"
LINUX_KARGS="console=hvc0 earlyprintk=xen"
# QEMU 7.2's q35 puts its ECAM window (MCFG) here.
Q35_ECAM=0xb0000000

# Kernel package, test programs and initramfs; once per run.
linux_prepare() {
	[ -n "${LINUX_READY:-}" ] && return "$LINUX_READY"
	local log="$OUT/linux-prepare.log"

	LINUX_READY=1
	if ! LINUX_KVER=$(tests/linux/fetch-kernel.sh 2>"$log"); then
		fail "linux: fetch Debian's kernel package" "tests/linux/fetch-kernel.sh failed" "$log"
		return 1
	fi
	if ! tests/linux/build-test-programs.sh >>"$log" 2>&1 ||
	   ! tools/mkinitramfs.sh "$LINUX_INITRD" - \
		build/linux/bin/xen-devices-test build/linux/bin/xen-foreign-test \
		build/linux/bin/pci-conf-test \
		tests/linux/dom0-tests.sh=/test/run >>"$log" 2>&1; then
		fail "linux: build the dom0 initramfs" "see log" "$log"
		return 1
	fi
	pass "linux: Debian kernel $LINUX_KVER + dom0 initramfs"
	LINUX_READY=0
}

# The emulator run that wrote LOG ended well (status RC); fails NAME
# otherwise.
linux_emulator_ok() {
	[ "$RC" -eq 0 ] && return 0
	fail "$1" "emulator exit status $RC" "$LOG"
	return 1
}

# The hypervisor time "sleep 2" took must be 2 s +-10%.
linux_check_sleep() {
	local name=$1 log=$2 ms

	ms=$(sed -n 's/.*sleep-check: sleep 2 took \([0-9]*\) ms.*/\1/p' "$log" | head -1)
	if [ -z "$ms" ] || [ "$ms" -lt 1800 ] || [ "$ms" -gt 2200 ]; then
		fail "$name" "sleep 2 took ${ms:-?} ms of hypervisor time (want 1800-2200)" "$log"
		return 1
	fi
	SLEEP_MS=$ms
}

# dom0's memory map has the host's shape (pv/dom0_memmap.h): every
# non-RAM entry of the host map Amphi logs (" e820 START-END type T")
# lies inside an entry of the same type in the map Linux logs
# ("BIOS-e820: [mem S-E] ..."; Linux merges neighbours), and every range
# Linux calls usable is host RAM.  Prints why on failure.
linux_e820_shape_ok() {
	local log=$1 hs he ht ds de dt ok line
	local -a host=() dom0=()

	while read -r hs he ht; do
		host+=("$((16#$hs)) $((16#$he)) $ht")
	done < <(sed -n 's/.* e820 \([0-9a-f]*\)-\([0-9a-f]*\) type \([0-9]\).*/\1 \2 \3/p' "$log")
	while read -r ds de dt; do
		case $dt in
		usable) dt=1 ;; reserved) dt=2 ;; "ACPI data") dt=3 ;;
		"ACPI NVS") dt=4 ;; unusable) dt=5 ;; *) dt=0 ;;
		esac
		dom0+=("$((16#$ds)) $((16#$de + 1)) $dt")
	done < <(tr -d '\r' <"$log" | sed -n 's/.*BIOS-e820: \[mem 0x\([0-9a-f]*\)-0x\([0-9a-f]*\)\] \(.*\)$/\1 \2 \3/p')
	if [ ${#host[@]} -eq 0 ] || [ ${#dom0[@]} -eq 0 ]; then
		echo "no host map (loglvl=all) or no dom0 map in the log"
		return 1
	fi
	for line in "${host[@]}"; do
		read -r hs he ht <<<"$line"
		[ "$ht" = 1 ] && continue
		ok=
		for d in "${dom0[@]}"; do
			read -r ds de dt <<<"$d"
			[ "$dt" = "$ht" ] && [ "$ds" -le "$hs" ] && [ "$he" -le "$de" ] && ok=1
		done
		[ -n "$ok" ] || { printf 'host type %s %#x-%#x is not in dom0 map\n' "$ht" "$hs" "$he"; return 1; }
	done
	for d in "${dom0[@]}"; do
		read -r ds de dt <<<"$d"
		[ "$dt" = 1 ] || continue
		ok=
		for line in "${host[@]}"; do
			read -r hs he ht <<<"$line"
			[ "$ht" = 1 ] && [ "$hs" -le "$ds" ] && [ "$de" -le "$he" ] && ok=1
		done
		[ -n "$ok" ] || { printf 'dom0 RAM %#x-%#x is not host RAM\n' "$ds" "$de"; return 1; }
	done
}

# dom0 sees through vPCI the PCI functions Amphi found at boot ("PCI:
# 0000:BB:DD.F VVVV:DDDD class CCCCCC"), as pci-conf-test lists them
# ("pci-conf: found BB:DD.F VVVV:DDDD class CCCCCC"), except the ones
# Amphi keeps ("IOMMU: 0000:BB:DD.F is the hypervisor's"), which it must
# not see.  Prints why on failure.
linux_pci_view_ok() {
	local log=$1 bdf id class kept n=0
	kept=$(sed -n 's/.*IOMMU: 0000:\([0-9a-f:.]*\) is the hypervisor.s.*/\1/p' "$log")
	while read -r bdf id class; do
		n=$((n + 1))
		if grep -qx "$bdf" <<<"$kept"; then
			if grep -q "pci-conf: found $bdf " "$log"; then
				echo "dom0 sees $bdf, which the hypervisor keeps"
				return 1
			fi
		elif ! grep -q "pci-conf: found $bdf $id class $class" "$log"; then
			echo "dom0 does not see $bdf $id class $class"
			return 1
		fi
	done < <(sed -n 's/.*PCI: 0000:\([0-9a-f:.]*\) \([0-9a-f]*:[0-9a-f]*\) class \([0-9a-f]*\).*/\1 \2 \3/p' "$log")
	[ "$n" -gt 0 ] || { echo "no PCI function in Amphi's log"; return 1; }
}

# linux_dom0_case NAME NVCPUS RUNNER LOGNAME [MACHINE]: boot, run the
# checks, power off.  MACHINE: "" (QEMU's pc, or Bochs), or vtd / amdvi:
# QEMU's q35 with that IOMMU and an edu device, which dom0's
# pci-conf-test drives through vPCI (ports, BAR, ECAM) and whose DMA it
# points at its own pages and at memory that is not its (blocked).
linux_dom0_case() {
	local name=$1 n=$2 runner=$3 machine=${5:-} kargs=$LINUX_KARGS xen=
	local -a qargs=() more=()
	LOG="$OUT/$4.log"

	if [ -n "$machine" ]; then
		qargs=(-machine q35 -device edu,dma_mask=0xffffffffff)
		# 1 GiB: host RAM, but past dom0_mem=512M, so not dom0's.
		kargs="$kargs amphi_ecam=$Q35_ECAM amphi_dma_out=0x40000000"
		more=("PCI: segment 0 through ECAM at $Q35_ECAM"
			"pci-conf: PASS: edu BAR0 sized through 0xcf8"
			"pci-conf: PASS: decoding on: edu's registers through its BAR"
			"pci-conf: PASS: decoding off: nothing at the BAR"
			"pci-conf: PASS: ECAM at $Q35_ECAM shows what 0xcf8 shows"
			"pci-conf: PASS: decoding off through ECAM unmaps the BAR too"
			"pci-conf: PASS: I/O ports: AHCI's index/data pair"
			"pci-conf: PASS: edu DMA through the IOMMU: dom0's page"
			"pci-conf: edu DMA to 0x40000000, outside dom0's memory, issued"
			"pci-conf: PASS: edu DMA after the blocked write still lands in dom0's page"
			"IOMMU: d0 owns [0-9]+ PCI functions")
		case $machine in
		# QEMU 7.2's amd-iommu never reports a fault (its event log
		# is broken); VT-d's fault is in the log.  q35's reserved
		# root complex registers at 0xfed1c000 are dom0's 1:1 but
		# with dom0-iommu=no-map-reserved (given to the VT-d run,
		# with a PV-only field that is only noted).
		vtd) qargs+=(-device intel-iommu,intremap=on)
			xen="dom0-iommu=no-map-reserved,strict"
			more+=("IOMMU: DMA fault [0-9]+: 0000:00:0[0-9a-f]\.0 write at 0x40000000 blocked"
				"dom0-iommu=: passthrough, strict, map-inclusive and none apply to a PV dom0"
				"!d0: host 0xfed1c000-") ;;
		amdvi) qargs+=(-device amd-iommu)
			more+=("IOMMU: 0000:[0-9a-f:.]* is the hypervisor's"
				"d0: host 0xfed1c000-0xfed20000 1:1") ;;
		esac
	fi
	linux_prepare || return
	if [ "$runner" = qemu ]; then
		tests/boot/qemu.sh "$LOG" 900 -smp 2 -m 2048 "${qargs[@]}" \
			-initrd "build/linux/vmlinuz $kargs,$LINUX_INITRD" \
			-- $LINUX_XEN_CMDLINE dom0_max_vcpus=$n $xen
		RC=$?
	else
		local iso="$OUT/$4.iso"
		if ! AMPHI_CMDLINE="$LINUX_XEN_CMDLINE dom0_max_vcpus=$n" \
			scripts/mkiso.sh "$iso" build/linux/vmlinuz "$LINUX_KARGS" \
			"$LINUX_INITRD" >"$OUT/$4-iso.log" 2>&1; then
			fail "$name" "scripts/mkiso.sh failed" "$OUT/$4-iso.log"
			return
		fi
		# bochs.sh succeeds once the power-off line appears.
		tests/boot/bochs.sh --iso "$iso" --log "$LOG" --cpus "$n" \
			--mem 2048 --timeout 3000 --expect "Powering off" \
			--fail "FATAL|Panic|Unexpected exception|d0: crashed" \
			>"$OUT/$4.runner" 2>&1
		RC=$?
	fi
	linux_emulator_ok "$name" || return
	expect_lines "$name" "$LOG" \
		"Linux version ${LINUX_KVER%% *}" \
		"init: /init started" \
		"init: hypervisor type: xen 4\.17" \
		"xen:events: Using FIFO-based ABI" \
		"dom0-tests: processors online: $n([^0-9]|$)" \
		"xen-devices: PASS: .*privcmd" \
		"xen-devices: PASS: .*evtchn" \
		"xen-devices: PASS: .*gntdev" \
		"Test result: SUCCESS" \
		"init: powering off" \
		"Powering off \(ACPI S5\)" \
		"!FATAL|Panic|Unexpected exception|d0: crashed|Kernel panic|BUG:|WARNING:" \
		"!unchecked MSR access" \
		"d0: memory map follows the host's" \
		"dom0-tests: host BIOS area: firmware RSDP found" \
		"pci-conf: PASS: no function shows an MSI or MSI-X capability" \
		"pci-conf: PASS: I/O ports: the hypervisor's UART at 0x3f8 is not dom0's" \
		"pci-conf: [0-9]+ passed, 0 failed" "!pci-conf: FAIL" \
		"${more[@]}" || return
	local why
	if ! why=$(linux_e820_shape_ok "$LOG"); then
		fail "$name" "dom0's memory map: $why" "$LOG"
		return
	fi
	if ! why=$(linux_pci_view_ok "$LOG"); then
		fail "$name" "dom0's PCI view: $why" "$LOG"
		return
	fi
	linux_check_sleep "$name" "$LOG" || return
	pass "$name (sleep 2 = $SLEEP_MS ms)"
}

# Typing on the serial line reaches dom0's shell on hvc0 (CONSOLEIO_read
# after VIRQ_CONSOLE) and its answer comes back (CONSOLEIO_write); the
# typed poweroff then ends the run.
linux_console_case() {
	local name="linux svm: typed input reaches the dom0 shell on hvc0"
	LOG="$OUT/linux-svm-console.log"

	linux_prepare || return
	SERIAL_INPUT='echo typed-$((6*7))\r' SERIAL_INPUT_AFTER="starting a shell" \
	SERIAL_INPUT2='poweroff\r' SERIAL_INPUT2_AFTER="^typed-42" \
		tests/boot/qemu.sh "$LOG" 600 -smp 1 -m 2048 \
		-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_test=/bin/true amphi_shell=1,$LINUX_INITRD" \
		-- $LINUX_XEN_CMDLINE dom0_max_vcpus=1
	RC=$?
	linux_emulator_ok "$name" || return
	expect_lines "$name" "$LOG" "init: starting a shell" "^typed-42" \
		"Powering off \(ACPI S5\)" \
		"!FATAL|Panic|Unexpected exception|d0: crashed|Kernel panic" &&
		pass "$name"
}

# Foreign memory from dom0 user space (privcmd MMAPBATCH_V2 and
# MMAP_RESOURCE, gntdev) against a peer domain that dom0 then shuts down
# while its frames are mapped: they must stay valid until dom0 unmaps
# them, and come back to the allocator only then.
linux_foreign_case() {
	local name="linux svm: foreign memory from dom0 user space, peer destroyed while mapped"
	local peer
	LOG="$OUT/linux-svm-foreign.log"

	linux_prepare || return
	make -s -C tests/guests >/dev/null 2>&1 || { fail "$name" "test guests do not build"; return; }
	peer="$(cd build/guests && pwd)/peer.elf"
	tests/boot/qemu.sh "$LOG" 900 -smp 2 -m 2048 \
		-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_peer=1,$LINUX_INITRD,$peer domain=peer" \
		-- $LINUX_XEN_CMDLINE dom0_max_vcpus=2
	RC=$?
	linux_emulator_ok "$name" || return
	expect_lines "$name" "$LOG" \
		"d1: \"peer\" built" "\(d1\) peer: ready" \
		"\(d1\) peer: dom0 wrote \"dom0 was here\"" \
		"xen-foreign: PASS: MMAPBATCH_V2" "xen-foreign: PASS: per-page errors" \
		"xen-foreign: PASS: MMAP_RESOURCE size query" \
		"xen-foreign: PASS: d1's grant entry 8 through MMAP_RESOURCE" \
		"xen-foreign: PASS: gntdev maps d1's grant" \
		"xen-foreign: PASS: d1 is gone" \
		"xen-foreign: PASS: after its death: the foreign page still reads back" \
		"xen-foreign: PASS: after its death: the granted page still reads back" \
		"d1: destroyed: .* 3 of its frames still mapped elsewhere" \
		"d1: its last frame returned to the allocator" \
		"Test result: SUCCESS" "Powering off \(ACPI S5\)" \
		"!xen-foreign: FAIL|FATAL|Panic|Unexpected exception|d0: crashed|Kernel panic|BUG:" || return
	if [ "$(guest_first_line "$LOG" "d1: destroyed")" -gt \
	     "$(guest_first_line "$LOG" "d1: its last frame returned")" ]; then
		fail "$name" "d1's last frame returned before its teardown" "$LOG"
		return
	fi
	pass "$name"
}

# Debian's Xen 4.17 toolstack in dom0 (docs/xen-toolstack.md §A.2): the
# root of tools/mkdom0root.sh, whose /init (tools/dom0-init.sh) starts the
# C xenstored, runs xen-init-dom0 and starts xenconsoled as Debian's
# init.d/xen does, then runs a test script from tests/linux/ (with
# tests/linux/checks.sh).
LINUX_TOOLSTACK_ROOT=build/dom0root/dom0root.cpio.gz
LINUX_GUEST_INITRD=build/dom0root/guest.cpio.gz

# linux_toolstack_boot NAME LOGNAME PREFIX SCRIPT [FILE=/DEST]...: build the
# root with SCRIPT as /test/run plus the FILEs, boot it under QEMU (SVM), or
# Bochs (VMX) with LINUX_RIG=bochs,
# and fail NAME unless the script ran and every PREFIX check passed (a
# failure names each failed check: each is a missing piece of Amphi).
# Returns 0 when the caller should check its own lines.
linux_toolstack_boot() {
	local name=$1 logname=$2 prefix=$3 script=$4
	LOG="$OUT/$logname.log"
	shift 4

	linux_prepare || return 1
	if ! tools/mkdom0root.sh "$LINUX_TOOLSTACK_ROOT" "$script=/test/run" \
		tests/linux/checks.sh=/test/checks.sh "$@" \
		>"$OUT/$logname-root.log" 2>&1; then
		fail "$name" "tools/mkdom0root.sh failed" "$OUT/$logname-root.log"
		return 1
	fi
	# LINUX_XEN_EXTRA: more hypervisor options for a run by hand, such as
	# stall_dump=30 to see where a hang stands.
	local xen="console=com1 loglvl=all dom0_mem=1024M dom0_max_vcpus=2 ${LINUX_XEN_EXTRA:-}"
	if [ "${LINUX_RIG:-qemu}" = qemu ]; then
		tests/boot/qemu.sh "$LOG" 1500 -smp 2 -m 2048 \
			-initrd "build/linux/vmlinuz $LINUX_KARGS amphi_test=/test/run,$LINUX_TOOLSTACK_ROOT" \
			-- $xen
		RC=$?
	else
		local iso="$OUT/$logname.iso"
		if ! AMPHI_CMDLINE="$xen" scripts/mkiso.sh "$iso" build/linux/vmlinuz \
			"$LINUX_KARGS amphi_test=/test/run" "$LINUX_TOOLSTACK_ROOT" \
			>"$OUT/$logname-iso.log" 2>&1; then
			fail "$name" "scripts/mkiso.sh failed" "$OUT/$logname-iso.log"
			return 1
		fi
		tests/boot/bochs.sh --iso "$iso" --log "$LOG" --cpus 2 \
			--mem 2048 --timeout 5400 --expect "Powering off" \
			--fail "FATAL|Panic|Unexpected exception|d0: crashed" \
			>"$OUT/$logname.runner" 2>&1
		RC=$?
	fi
	linux_emulator_ok "$name" || return 1
	expect_lines "$name" "$LOG" \
		"init: hypervisor type: xen 4\.17" \
		"init: capabilities: .*control_d" \
		"init: xenstored answers" \
		"init: running /test/run" \
		"$prefix: [0-9]+ checks passed" || return 1
	if grep -aq "$prefix: FAIL" "$LOG"; then
		fail "$name" "$(grep -a "$prefix: FAIL" "$LOG" | sed "s/.*$prefix: FAIL: //" | paste -sd ';' | sed 's/;/; /g')" "$LOG"
		return 1
	fi
	expect_lines "$name" "$LOG" "Test result: SUCCESS" \
		"init: powering off" "Powering off \(ACPI S5\)" \
		"!FATAL|Panic|Unexpected exception|d0: crashed|Kernel panic|BUG:|WARNING:"
}

# xenstore, the entries xen-init-dom0 writes, xl info, xl list and xl
# dmesg (their output is in the log as "xl-info: ...").
linux_toolstack_case() {
	local name="linux svm: Debian's xenstored, xen-init-dom0, xenconsoled and xl in dom0"

	linux_toolstack_boot "$name" linux-svm-toolstack toolstack \
		tests/linux/toolstack-test.sh || return
	expect_lines "$name" "$LOG" \
		"toolstack: PASS: xenstore-read /amphi-test = hello" \
		"toolstack: PASS: xen-init-dom0 wrote /local/domain/0/name = Domain-0" \
		"toolstack: PASS: xen-init-dom0 wrote /local/pool/0/name" \
		"toolstack: PASS: xl info reports nr_cpus and total_memory" \
		"toolstack: PASS: xl list shows Domain-0" \
		"toolstack: PASS: xl dmesg shows the hypervisor.s boot banner" \
		"toolstack: PASS: xenstored still running after the xl commands" &&
		pass "$name"
}

# The guests' initramfs: tests/linux/guest-init.sh with the front ends,
# ext4 (which mounts the ext2 test file system, and wants crc32c), and the
# AHCI driver, SCSI disks and e1000 NIC an HVM guest without PV drivers
# uses.
linux_guest_initrd() {
	INITRAMFS_MODULES="xen-blkfront xen-netfront ext4 crc32c_generic ahci sd_mod e1000" tools/mkinitramfs.sh \
		"$LINUX_GUEST_INITRD" tests/linux/guest-init.sh \
		>"$OUT/linux-guest-initrd.log" 2>&1 && return
	fail "$1" "tools/mkinitramfs.sh (guest) failed" "$OUT/linux-guest-initrd.log"
	return 1
}

# linux_xl_run NAME LOGNAME PREFIX SCRIPT: linux_toolstack_boot with the
# guests' kernel and initramfs in /guest for SCRIPT's xl.cfg files.
linux_xl_run() {
	linux_prepare && linux_guest_initrd "$1" || return 1
	linux_toolstack_boot "$@" build/linux/vmlinuz=/guest/vmlinuz \
		"$LINUX_GUEST_INITRD=/guest/initrd"
}

# `xl create` of Debian's kernel as a PVH domU from an ordinary xl.cfg
# (tests/linux/xl-guest-test.sh): it boots to its /init
# (tests/linux/guest-init.sh) with its console on xenconsoled, and
# `xl shutdown` ends it with its memory back.
linux_xl_guest_case() {
	local rig=${1:-qemu} vendor=svm
	[ "$rig" = bochs ] && vendor=vmx
	local name="linux $vendor: xl create boots Debian's kernel as a PVH domU, console and disk"

	LINUX_RIG=$rig linux_xl_run "$name" "linux-$vendor-xl-guest" xl-guest \
		tests/linux/xl-guest-test.sh || return
	expect_lines "$name" "$LOG" \
		"xl-guest: PASS: the guest's /init runs" \
		"xl-guest: PASS: the guest wrote to its disk" \
		"xl-guest: PASS: pvh1 is gone" \
		"xl-guest: PASS: its memory is back" &&
		pass "$name"
}

# Two guests with PV disk and network through dom0's blkback and netback
# (tests/linux/xl-devices-test.sh): disk data across xl reboot, ping and
# HTTP to dom0 over its bridge, guest to guest, xl console both ways,
# xl sched-credit, and everything released at the end.
linux_xl_devices_case() {
	local name="linux svm: xl guests with PV disk and network through dom0"

	linux_xl_run "$name" linux-svm-xl-devices xl-devices \
		tests/linux/xl-devices-test.sh || return
	expect_lines "$name" "$LOG" \
		"xl-devices: PASS: the data survived the reboot" \
		"xl-devices: PASS: pvh1 pings pvh2" \
		"xl-devices: PASS: xl console: typed input" \
		"xl-devices: PASS: all guest memory is back" &&
		pass "$name"
}

# The rest of a guest's life under xl and what goes wrong
# (tests/linux/xl-life-test.sh): pause, vcpu-list/-pin, destroy, on_crash,
# bad kernels, destroy mid-I/O, with every page back.
linux_xl_life_case() {
	local name="linux svm: xl pause, vcpu-pin, destroy, on_crash, bad configs, destroy mid-I/O"

	linux_xl_run "$name" linux-svm-xl-life xl-life tests/linux/xl-life-test.sh ||
		return
	expect_lines "$name" "$LOG" \
		"xl-life: PASS: on_crash=preserve keeps it" \
		"xl-life: PASS: no domain is left behind" \
		"xl-life: PASS: all memory back after all that" &&
		pass "$name"
}

# A device model in dom0 user space (tests/linux/xl-dm-test.sh):
# tests/linux/dm/test-dm.c, against Debian's libxendevicemodel,
# libxenforeignmemory and libxenevtchn, serves the ports, MMIO page and
# PCI device of the test guest tests/guests/dmtest, which checks every
# answer; then two guests whose device model is killed (or exits) while
# their vCPU waits on a request are destroyed, a device model that resets
# the slot answers all ones, one that sets a state that is none crashes
# its guest (only it), with all memory back.
linux_xl_dm_case() {
	local name="linux svm: a device model in dom0 serves an xl guest's ports, MMIO and PCI config"

	make -s -C tests/guests >/dev/null 2>&1 || { fail "$name" "test guests do not build"; return; }
	linux_toolstack_boot "$name" linux-svm-xl-dm xl-dm tests/linux/xl-dm-test.sh \
		build/linux/bin/test-dm=/test/test-dm \
		build/guests/dmtest.elf=/test/dmtest.elf || return
	expect_lines "$name" "$LOG" \
		"\(d[0-9]+\) dmtest: PASS: the counter is where the guest expects it" \
		"\(d[0-9]+\) dmtest: PASS: two vCPUs at the device at once" \
		"xl-dm: PASS: the guest's checks all passed" \
		"xl-dm: PASS: add \[mmio\]: the read, then the sum written" \
		"xl-dm: PASS: dm2: xl destroy exits 0" \
		"xl-dm: PASS: dm3: xl destroy exits 0" \
		"xl-dm: PASS: dm4: a reset slot answered all ones" \
		"d[0-9]+: crashed: ioreq server 0, vCPU 0: device model set ioreq state 7" \
		"xl-dm: PASS: dm6: an instruction rewritten while it waited crashes the guest" \
		"xl-dm: PASS: all memory back" \
		"!\(d[0-9]+\) dmtest: FAIL|d0: crashed|FATAL|Panic" &&
		pass "$name"
}

# HVM guests (tests/linux/xl-hvm-test.sh) under Debian's toolstack with
# qemu-system-xen and SeaBIOS in dom0 (a DOM0ROOT_HVM=1 root):
#   - a guest with nothing to boot: hvmloader and SeaBIOS run on Amphi's
#     platform with QEMU's devices; xl destroy removes guest and QEMU;
#   - memtest86+ from a CD (tools/mkhvmiso.sh) through El Torito, its
#     serial port through xl console, its VGA screen dumped by QEMU in
#     dom0 and read back here (tests/linux/screen.py: a PNG in $OUT and
#     the text on it); beside it a hostile guest from an IDE disk
#     (tests/linux/hvm-hostile.S) that writes garbage to its devices and
#     triple-faults in real mode, which ends only it;
#   - Debian's kernel with xen_nopv from a GRUB disk (tools/mkhvmdisk.sh)
#     on AHCI, an OS that knows nothing of Xen (e1000, its own reboot and
#     ACPI power-off);
#   - PVHVM: the same kernel without xen_nopv finds Xen, unplugs the
#     emulated devices, uses blkfront and netfront; its data survive xl
#     reboot; xl shutdown ends it;
#   - UEFI: OvmfXen (tools/mkovmf.sh) runs GRUB for UEFI from a GPT disk
#     (tools/mkhvmdisk.sh --efi) through its PV block driver, and GRUB
#     the same kernel, which finds the UEFI system table;
#   - side by side: an HVM guest (tests/linux/hvm-spin.S) and a PVH guest
#     on one pCPU with credit weights 512 and 256 share it 2 : 1;
# and all memory back.
linux_xl_hvm_case() {
	local name="linux svm: xl create of HVM guests: hvmloader, SeaBIOS, OVMF, QEMU in dom0; memtest86+ from CD, Linux from disk (nopv, PVHVM, UEFI)"
	local LINUX_TOOLSTACK_ROOT=build/dom0root/dom0root-hvm.cpio.gz
	local -x DOM0ROOT_HVM=1
	local disk kind cmd files=() iso=build/dom0root/hvm-cd.iso

	linux_prepare && linux_guest_initrd "$name" || return 1
	for kind in nopv pvhvm; do
		cmd="console=ttyS0 quiet guest_disk=1 guest_disk_dev=/dev/xvdb guest_ip=10.0.0.21 guest_wait=1"
		[ $kind = nopv ] && cmd="console=ttyS0 quiet xen_nopv guest_disk=1 guest_disk_dev=unpartitioned guest_ip=10.0.0.20 guest_cycle=1"
		disk=build/dom0root/hvm-$kind.img
		if ! tools/mkhvmdisk.sh "$disk" build/linux/vmlinuz "$LINUX_GUEST_INITRD" \
			"$cmd" >"$OUT/linux-svm-xl-hvm-disk.log" 2>&1; then
			fail "$name" "tools/mkhvmdisk.sh failed" "$OUT/linux-svm-xl-hvm-disk.log"
			return 1
		fi
		files+=("$disk=/test/hvm-$kind.img")
	done
	if ! tools/mkhvmiso.sh "$iso" >"$OUT/linux-svm-xl-hvm-iso.log" 2>&1; then
		fail "$name" "tools/mkhvmiso.sh failed" "$OUT/linux-svm-xl-hvm-iso.log"
		return 1
	fi
	hvm_uefi_files "$name" linux-svm || return 1
	files+=("${HVM_UEFI_FILES[@]}")
	for kind in hostile spin; do
		if ! hvm_bootsector_disk $kind >"$OUT/linux-svm-xl-hvm-$kind.log" 2>&1; then
			fail "$name" "tests/linux/hvm-$kind.S does not build" "$OUT/linux-svm-xl-hvm-$kind.log"
			return 1
		fi
		files+=("build/dom0root/hvm-$kind.img=/test/hvm-$kind.img")
	done
	files+=("$iso=/test/hvm-cd.iso" build/linux/vmlinuz=/guest/vmlinuz
		"$LINUX_GUEST_INITRD=/guest/initrd"
		tests/linux/hvm-cfg.sh=/test/hvm-cfg.sh)
	linux_toolstack_boot "$name" linux-svm-xl-hvm xl-hvm \
		tests/linux/xl-hvm-test.sh "${files[@]}" || return
	expect_lines "$name" "$LOG" \
		"\(d[0-9]+\) HVM Loader" \
		"\(d[0-9]+\) Invoking SeaBIOS" \
		"xl-hvm: PASS: hvm-fw: SeaBIOS found no bootable device" \
		"xl-hvm: PASS: hvm-fw: its device model is gone" \
		"xl-hvm: PASS: hvm-cd: SeaBIOS boots the CD through El Torito" \
		"xl-hvm: PASS: hvm-cd: memtest86\+ tests the guest's memory" \
		"xl-hvm: PASS: hvm-hostile: its triple fault in real mode reboots it" \
		"xl-hvm: PASS: hvm-hostile: the guest beside it still runs" \
		"xl-hvm: PASS: hvm-bios: the guest sees no hypervisor" \
		"xl-hvm: PASS: hvm-bios: the data survived the reboot" \
		"xl-hvm: PASS: hvm-pvhvm: the guest wrote its data disk through blkfront" \
		"xl-hvm: PASS: hvm-pvhvm: the data survived the reboot" \
		"xl-hvm: PASS: hvm-uefi: OVMF runs GRUB from the EFI system partition" \
		"xl-hvm: PASS: hvm-uefi: the guest was started by 64-bit UEFI firmware" \
		"xl-hvm: PASS: hvm-uefi: it is gone" \
		"xl-hvm: PASS: side by side: shares follow the weights 2 : 1" \
		"xl-hvm: PASS: side by side: the HVM guest destroyed, the PVH guest still counts" \
		"xl-hvm: PASS: all memory back" || return
	hvm_screen_check "$name" hvm-cd "Memtest86\+ v6" "Test #[0-9]+ +\[[A-Z][a-z]+" ||
		return
	pass "$name"
}

# hvm_uefi_files NAME LOGPREFIX: OvmfXen (tools/mkovmf.sh, built once and
# cached) and a GPT disk with GRUB for UEFI (tools/mkhvmdisk.sh --efi) for
# the hvm-uefi guest, as dom0 root entries in HVM_UEFI_FILES.
hvm_uefi_files() {
	local ovmf disk=build/dom0root/hvm-uefi.img
	if ! ovmf=$(tools/mkovmf.sh 2>"$OUT/$2-ovmf.log"); then
		fail "$1" "tools/mkovmf.sh failed" "$OUT/$2-ovmf.log"
		return 1
	fi
	if ! tools/mkhvmdisk.sh --efi "$disk" build/linux/vmlinuz "$LINUX_GUEST_INITRD" \
		"console=ttyS0 quiet guest_disk=1 guest_disk_dev=/dev/xvdb guest_wait=1" \
		>"$OUT/$2-uefi-disk.log" 2>&1; then
		fail "$1" "tools/mkhvmdisk.sh --efi failed" "$OUT/$2-uefi-disk.log"
		return 1
	fi
	HVM_UEFI_FILES=("$ovmf=/test/OVMF.fd" "$disk=/test/hvm-uefi.img")
}

# hvm_bootsector_disk NAME: build/dom0root/hvm-NAME.img, a 1 MiB disk
# image whose first sector is the boot sector tests/linux/hvm-NAME.S.
hvm_bootsector_disk() {
	local o=build/dom0root/hvm-$1
	gcc -c -m32 -o "$o.o" "tests/linux/hvm-$1.S" &&
		ld -m elf_i386 -Ttext 0x7c00 -e _start --oformat binary -o "$o.bin" "$o.o" &&
		[ "$(stat -c %s "$o.bin")" = 512 ] &&
		rm -f "$o.img" && truncate -s 1M "$o.img" &&
		dd if="$o.bin" of="$o.img" conv=notrunc status=none
}

# hvm_screen_check NAME GUEST ERE...: a screen of GUEST's that its test
# printed to $LOG (GUEST, then GUEST.2, GUEST.3 where the test took more
# than one) becomes $OUT/linux-svm-GUEST-screen.png and .txt; the first
# whose text matches every ERE passes.  The font comes from the VGA BIOS
# the guest ran.
hvm_screen_check() {
	local name=$1 guest=$2 re out="$OUT/linux-svm-$2-screen" s miss tried
	shift 2
	local vgabios
	vgabios=$(ls build/dom0root/pkgs/seabios_*/usr/share/seabios/vgabios-stdvga.bin 2>/dev/null | head -n1)
	for s in "$guest" "$guest.2" "$guest.3"; do
		[ "$s" = "$guest" ] || grep -aq "screen $s: begin" "$LOG" || break
		if ! python3 tests/linux/screen.py "$LOG" "$s" "$vgabios" "$out" \
			>"$out.log" 2>&1; then
			fail "$name" "$s's screen: $(tail -n1 "$out.log")" "$out.log"
			return 1
		fi
		miss= tried=$s
		for re in "$@"; do
			grep -Eq "$re" "$out.txt" || { miss=$re; break; }
		done
		[ -z "$miss" ] && return 0
	done
	fail "$name" "$tried's screen ($out.png) does not show /$miss/" "$out.txt"
	return 1
}

linux_cases_svm() {
	linux_dom0_case "linux svm: dom0 1 vCPU on q35 with VT-d, PCI through vPCI, drivers, sleep, poweroff" 1 qemu linux-svm-1 vtd
	linux_dom0_case "linux svm: dom0 2 vCPUs on q35 with AMD-Vi, PCI through vPCI, drivers, sleep, poweroff" 2 qemu linux-svm-2 amdvi
	linux_console_case
	linux_foreign_case
	linux_toolstack_case
	linux_xl_guest_case
	linux_xl_devices_case
	linux_xl_life_case
	linux_xl_dm_case
	linux_xl_hvm_case
}

linux_cases_vmx() {
	linux_dom0_case "linux vmx: dom0 1 vCPU to /init, drivers, sleep, poweroff" 1 bochs linux-vmx-1
	linux_xl_guest_case bochs
}

# The BIOS-disk scenario under VMX (Bochs): hvmloader, SeaBIOS and GRUB
# boot Debian's kernel with xen_nopv from an AHCI disk to its user space,
# with QEMU in dom0 (tests/linux/xl-hvm-test.sh given only that image: the
# firmware and failure checks run too, the other guests are skipped).
linux_xl_hvm_vmx_case() {
	local name="linux vmx: xl create of an HVM guest: SeaBIOS and GRUB boot Linux with xen_nopv from AHCI"
	local LINUX_TOOLSTACK_ROOT=build/dom0root/dom0root-hvm-vmx.cpio.gz
	local -x DOM0ROOT_HVM=1
	local disk=build/dom0root/hvm-nopv.img

	linux_prepare && linux_guest_initrd "$name" || return 1
	if ! tools/mkhvmdisk.sh "$disk" build/linux/vmlinuz "$LINUX_GUEST_INITRD" \
		"console=ttyS0 quiet xen_nopv guest_disk=1 guest_disk_dev=unpartitioned guest_ip=10.0.0.20 guest_cycle=1" \
		>"$OUT/linux-vmx-xl-hvm-disk.log" 2>&1; then
		fail "$name" "tools/mkhvmdisk.sh failed" "$OUT/linux-vmx-xl-hvm-disk.log"
		return 1
	fi
	LINUX_RIG=bochs linux_toolstack_boot "$name" linux-vmx-xl-hvm xl-hvm \
		tests/linux/xl-hvm-test.sh "$disk=/test/hvm-nopv.img" \
		tests/linux/hvm-cfg.sh=/test/hvm-cfg.sh || return
	expect_lines "$name" "$LOG" \
		"xl-hvm: PASS: hvm-fw: SeaBIOS found no bootable device" \
		"xl-hvm: PASS: hvm-bios: the guest's /init runs" \
		"xl-hvm: PASS: hvm-bios: the guest sees no hypervisor" \
		"xl-hvm: PASS: hvm-bios: the data survived the reboot" \
		"xl-hvm: PASS: all memory back" && pass "$name"
}

linux_cases_vmx_long() {
	linux_dom0_case "linux vmx: dom0 2 vCPUs to /init, drivers, sleep, poweroff" 2 bochs linux-vmx-2
	linux_xl_hvm_vmx_case
}
