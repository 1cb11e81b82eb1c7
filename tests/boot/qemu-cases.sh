# QEMU TCG boot scenarios (AMD SVM + NPT).  Sourced by tests/run-tests.sh.
# Each case boots build/amphi, then judges the serial log and QEMU's exit:
# QEMU exits 0 both after ACPI power-off and after a reset under
# -no-reboot, so the log says which one happened.

# boot_case NAME TIMEOUT [qemu args] -- [cmdline]; sets LOG and RC.
boot_case() {
	local name=$1 t=$2
	shift 2
	LOG="$OUT/qemu-${name}.log"
	tests/boot/qemu.sh "$LOG" "$t" "$@"
	RC=$?
}

# A clean boot to power-off on N CPUs: every CPU online with SVM and
# timer interrupts, the platform summary, ACPI S5, no fatal line.
check_clean_boot() {
	local name=$1 n=$2 pats=() i
	[ "$RC" -eq 0 ] || { fail "$name" "QEMU exit status $RC (124 = hung)" "$LOG"; return; }
	pats+=("SMP: $n CPUs online" "Platform summary" "CPUs online: $n of $n"
	       "Powering off \(ACPI S5\)" "!FATAL|Panic|Unexpected exception|did not start")
	for ((i = 0; i < n; i++)); do
		pats+=("CPU$i: SVM enabled \(.*NPT" "CPU$i: [1-9][0-9]* timer interrupts")
	done
	expect_lines "$name" "$LOG" "${pats[@]}" && pass "$name"
}

qemu_cases() {
	local n
	for n in 1 2 4; do
		boot_case "smp$n" 120 -smp "$n" -- console=com1 loglvl=all
		check_clean_boot "qemu svm: boot -smp $n, all CPUs + timers, poweroff" "$n"
	done

	# q35 with each of QEMU's IOMMUs: the DMAR or IVRS and the MCFG are
	# found and parsed, the unit's registers read back as QEMU's model
	# has them, and the machine still boots cleanly; the default machine
	# (i440fx) has none.  Both IOMMUs remap DMA: QEMU's edu device, given
	# to a test domain, copies by DMA through that domain's p2m, and what
	# the p2m does not allow is blocked and changes nothing
	# (selftest=iommu, xen/arch/x86/iommu/selftest.c): VT-d with 3-level
	# tables (QEMU's default 39 bits) and queued invalidation, and with 4
	# (aw-bits=48) and register invalidation (iommu=no-qinval), each
	# fault reported by interrupt; AMD-Vi through its own copy of the p2m
	# (QEMU 7.2's amd-iommu never writes its event log, so its faults
	# cannot be seen there).
	local edu="edu,dma_mask=0xffffffffff" selftest=(
		"selftest=iommu: PASS: DMA reads and writes the frames the domain's p2m names"
		"selftest=iommu: PASS: a write after the p2m made the page read-only is refused"
		"selftest=iommu: PASS: a write outside the domain's memory is stopped: 0x[0-9a-f]+ untouched"
		"selftest=iommu: PASS: a device taken back from the domain is blocked"
		"selftest=iommu: PASS: a domain destroyed with the device gives it back"
		"selftest=iommu: 5 passed, 0 failed" "!selftest=iommu: FAIL")
	local vtd_selftest=("${selftest[@]}"
		"IOMMU: DMA fault 1: 0000:00:0[0-9a-f]\.0 write at 0x11000 blocked: write to a page that is not writable"
		"IOMMU: DMA fault 3: .* context entry not present"
		"selftest=iommu: faults reported: 3 of 3")
	boot_case q35-vtd 120 -smp 2 -machine q35 -device intel-iommu,intremap=on \
		-device "$edu" -- console=com1 loglvl=all selftest=iommu
	expect_lines "qemu svm q35: intel-iommu found in the DMAR, ECAM in the MCFG" "$LOG" \
		"ACPI: DMAR: 39-bit DMA addresses, interrupt remapping yes" \
		"ACPI: DMAR: unit 0 registers 0xfed90000 segment 0, .* device scopes \(1 IO-APICs\)" \
		"ACPI: MCFG: segment 0 buses 00-ff at 0xb0000000" \
		"IOMMU: VT-d unit 0 at 0xfed90000: version 1\.0, 39-bit guest addresses" \
		"IOMMU: VT-d unit 0: queued invalidation yes, interrupt remapping yes" \
		"!ACPI: (DMAR|MCFG): .* skipped" \
		"PCI: segment 0 through ECAM at 0xb0000000 \(buses 00-ff\)" \
		"PCI: 0000:00:00\.0 8086:29c0 class 060000" \
		"PCI: 0000:00:1f\.2 8086:2922 class 010601" "PCI: [4-9] functions on 1 buses" \
		"PCI: 0000:00:1f\.2 BAR5 mem 0x[0-9a-f]+\+0x1000" \
		"PCI: 0000:00:1f\.2 BAR4 io 0x[0-9a-f]+\+0x20" \
		"!LEFT (TRANSLATING|REMAPPING)|does not answer" &&
		check_clean_boot "qemu svm q35: intel-iommu found in the DMAR, ECAM in the MCFG" 2
	expect_lines "qemu svm q35 VT-d: DMA through a domain's p2m (3 levels, queued invalidation), faults stopped and reported" "$LOG" \
		"IOMMU: DMA remapping ready: Intel VT-d, 1 unit, 3-level tables shared with the p2m, queued invalidation" \
		"IOMMU: translation on" "${vtd_selftest[@]}" \
		"  IOMMU: Intel VT-d, 1 unit, 3-level tables" &&
		pass "qemu svm q35 VT-d: DMA through a domain's p2m (3 levels, queued invalidation), faults stopped and reported"
	boot_case q35-vtd48 120 -smp 2 -machine q35 -device intel-iommu,aw-bits=48 \
		-device "$edu" -- console=com1 loglvl=all selftest=iommu iommu=no-qinval
	expect_lines "qemu svm q35 VT-d: DMA through a domain's p2m (4 levels, register invalidation), faults stopped and reported" "$LOG" \
		"IOMMU: VT-d unit 0 at 0xfed90000: version 1\.0, 48-bit guest addresses" \
		"IOMMU: DMA remapping ready: Intel VT-d, 1 unit, 4-level tables shared with the p2m, register invalidation" \
		"${vtd_selftest[@]}" &&
		check_clean_boot "qemu svm q35 VT-d: DMA through a domain's p2m (4 levels, register invalidation), faults stopped and reported" 2
	boot_case q35-amdvi 120 -smp 2 -machine q35 -device amd-iommu \
		-device "$edu" -- console=com1 loglvl=all selftest=iommu
	expect_lines "qemu svm q35: amd-iommu found in the IVRS" "$LOG" \
		"ACPI: IVRS: IVinfo 0x[0-9a-f]+, IOMMUs as IVHD type 0x10" \
		"ACPI: IVRS: IOMMU 0000:00:01.0 registers 0xfed80000, EFR 0, [1-9][0-9]* device entries" \
		"ACPI: MCFG: segment 0 buses 00-ff at 0xb0000000" \
		"IOMMU: AMD-Vi unit 0 at 0xfed80000 \(0000:00:01\.0\): [4-6]-level tables, guest translation yes" \
		"!ACPI: (IVRS|MCFG): .* skipped" \
		"!LEFT ENABLED|does not answer" &&
		check_clean_boot "qemu svm q35: amd-iommu found in the IVRS" 2
	expect_lines "qemu svm q35 AMD-Vi: DMA through a copy of a domain's p2m, the rest blocked" "$LOG" \
		"IOMMU: DMA remapping ready: AMD-Vi, 1 unit, 4-level tables copied from the p2m" \
		"${selftest[@]}" "  IOMMU: AMD-Vi, 1 unit, 4-level tables" &&
		pass "qemu svm q35 AMD-Vi: DMA through a copy of a domain's p2m, the rest blocked"
	expect_lines "qemu svm i440fx: no IOMMU; PCI through ports 0xcf8/0xcfc" \
		"$OUT/qemu-smp2.log" "IOMMU: none in the ACPI tables" \
		"PCI: segment 0 through ports 0xcf8/0xcfc" \
		"PCI: 0000:00:00\.0 8086:1237 class 060000" \
		"PCI: 0000:00:01\.0 8086:7000 class 060100" \
		"PCI: 0000:00:01\.1 BAR4 io 0x[0-9a-f]+\+0x10" &&
		pass "qemu svm i440fx: no IOMMU; PCI through ports 0xcf8/0xcfc"

	boot_case no-module 120 -smp 2 -- console=com1
	[ "$RC" -eq 0 ] && expect_lines "qemu svm: no dom0 module -> summary + poweroff" "$LOG" \
		"No dom0 kernel module was given" "Platform summary" \
		"Powering off \(ACPI S5\)" && pass "qemu svm: no dom0 module -> summary + poweroff"
	[ "$RC" -ne 0 ] && fail "qemu svm: no dom0 module -> summary + poweroff" "exit $RC" "$LOG"

	boot_case no-svm 60 -cpu qemu64,-svm,-vmx -- console=com1
	[ "$RC" -eq 0 ] && expect_lines "qemu: no SVM/VMX -> one FATAL line, reboot" "$LOG" \
		"FATAL: .*neither AMD SVM.*nor Intel VMX" "Rebooting" "!Powering off" &&
		pass "qemu: no SVM/VMX -> one FATAL line, reboot"
	[ "$RC" -ne 0 ] && fail "qemu: no SVM/VMX -> one FATAL line, reboot" "exit $RC" "$LOG"

	# noreboot: the machine must halt (QEMU stays up) after the message.
	boot_case noreboot 25 -cpu qemu64,-svm,-vmx -- console=com1 noreboot
	if [ "$RC" -eq 124 ]; then
		expect_lines "qemu: noreboot halts after a fatal error" "$LOG" \
			"FATAL: .*neither AMD SVM" "noreboot: halting" "!Rebooting" &&
			pass "qemu: noreboot halts after a fatal error"
	else
		fail "qemu: noreboot halts after a fatal error" "QEMU exited ($RC): it did not halt" "$LOG"
	fi

	boot_case bad-option 60 -- console=com1 dom0_max_vcpus=lots
	[ "$RC" -eq 0 ] && expect_lines "qemu: absurd option value -> FATAL" "$LOG" \
		"dom0_max_vcpus" "FATAL: .*command line" "Rebooting" &&
		pass "qemu: absurd option value -> FATAL"
	[ "$RC" -ne 0 ] && fail "qemu: absurd option value -> FATAL" "exit $RC" "$LOG"

	boot_case unknown-option 120 -- console=com1 frobnicate=7 loglvl=all
	[ "$RC" -eq 0 ] && expect_lines "qemu: unknown option reported and ignored" "$LOG" \
		"unknown option 'frobnicate' ignored" "Powering off" "!FATAL" &&
		pass "qemu: unknown option reported and ignored"
	[ "$RC" -ne 0 ] && fail "qemu: unknown option reported and ignored" "exit $RC" "$LOG"

	boot_case fault 60 -smp 2 -- console=com1 selftest=fault
	[ "$RC" -eq 0 ] && expect_lines "qemu: unexpected #PF dumps registers + trace" "$LOG" \
		"Unexpected exception 14 \(#PF page fault\)" "RIP: 0008:" "CR2: 0000000000000000" \
		"Call trace:" "Panic on CPU" "Rebooting" &&
		pass "qemu: unexpected #PF dumps registers + trace"
	[ "$RC" -ne 0 ] && fail "qemu: unexpected #PF dumps registers + trace" "exit $RC" "$LOG"

	# W^X: a write to the hypervisor's own text must fault (error code 3 =
	# present + write), not succeed.
	boot_case wx 60 -- console=com1 selftest=wx
	[ "$RC" -eq 0 ] && expect_lines "qemu: W^X - writing hypervisor code faults" "$LOG" \
		"Unexpected exception 14 \(#PF page fault\), error code 0x3" \
		"!the write to code succeeded" "Rebooting" &&
		pass "qemu: W^X - writing hypervisor code faults"
	[ "$RC" -ne 0 ] && fail "qemu: W^X - writing hypervisor code faults" "exit $RC" "$LOG"

	# Domain teardown returns every page and every xmalloc byte.
	boot_case domain-selftest 60 -smp 2 -- console=com1 selftest=domain
	[ "$RC" -eq 0 ] && expect_lines "qemu: domain create/destroy returns all memory" "$LOG" \
		"selftest=domain: built with 16387 RAM pages" \
		"selftest=domain: teardown returned all memory" "!LEAK" &&
		pass "qemu: domain create/destroy returns all memory"
	[ "$RC" -ne 0 ] && fail "qemu: domain create/destroy returns all memory" "exit $RC" "$LOG"

	# Out of memory at every allocation of domain and vCPU creation in
	# turn: each attempt fails cleanly (nothing leaked, no panic).
	boot_case oom-selftest 120 -smp 2 -- console=com1 selftest=oom
	[ "$RC" -eq 0 ] && expect_lines "qemu: domain creation out of memory fails cleanly" "$LOG" \
		"selftest=oom: a 16-vCPU domain failed cleanly with 0\.\.[0-9]+ pages free" \
		"!LEAK" "!Panic" "Powering off" &&
		pass "qemu: domain creation out of memory fails cleanly ($(grep -aoE 'with 0\.\.[0-9]+ pages' "$LOG"))"
	[ "$RC" -ne 0 ] && fail "qemu: domain creation out of memory fails cleanly" "exit $RC" "$LOG"
}
