# Bochs boot scenarios (Intel VMX + EPT + unrestricted guest).  Sourced by
# tests/run-tests.sh.  Bochs cannot load multiboot kernels, so each case
# boots a GRUB ISO; Bochs always exits 1, so the serial log decides.

bochs_case() {
	local name=$1 cpus=$2 t=$3 iso="$OUT/bochs-$1.iso"
	shift 3
	LOG="$OUT/bochs-${name}.log"
	if ! AMPHI_CMDLINE="$*" scripts/mkiso.sh "$iso" >"$OUT/bochs-$name-iso.log" 2>&1; then
		fail "bochs vmx: $name" "ISO build failed" "$OUT/bochs-$name-iso.log"
		return 1
	fi
	tests/boot/bochs.sh --iso "$iso" --log "$LOG" --cpus "$cpus" --timeout "$t" \
		--expect 'Powering off|System halted' --fail 'FATAL|Panic|Unexpected exception'
	RC=$?
}

check_vmx_boot() {
	local name=$1 n=$2 pats=() i
	[ "$RC" -eq 0 ] || { fail "$name" "runner status $RC" "$LOG"; return; }
	pats+=("SMP: $n CPUs online" "Powering off \(ACPI S5\)"
	       "!FATAL|Panic|Unexpected exception|did not start")
	for ((i = 0; i < n; i++)); do
		pats+=("CPU$i: VMX enabled \(EPT, unrestricted guest" "CPU$i: [1-9][0-9]* timer interrupts")
	done
	expect_lines "$name" "$LOG" "${pats[@]}" && pass "$name"
}

bochs_cases() {
	bochs_case smp2 2 240 console=com1 loglvl=all
	check_vmx_boot "bochs vmx: boot 2 CPUs, VMX+EPT+UG on each, timers, poweroff" 2
	if [ "$LONG" = 1 ]; then
		bochs_case smp4 4 480 console=com1 loglvl=all
		check_vmx_boot "bochs vmx: boot 4 CPUs (long)" 4
	fi
}
