# Test guests (tests/guests/, built into build/guests/) booted by Amphi,
# judged from the serial log.  Sourced by tests/run-tests.sh after
# tests/lib.sh; defines
#   guest_cases_svm       QEMU TCG (AMD SVM + NPT): every case
#   guest_cases_vmx       Bochs (Intel VMX + EPT): cpuid, hypercall,
#                         x86_policy, sensitive, hlt_timer, realmode,
#                         fpu, hostile domUs triplefault and db_loop,
#                         hostile_dom0, many_timers, timer_window, pit
#   guest_cases_vmx_long  Bochs: every case (make test-long)
#
# The hypervisor's log lines relied on:
#   d<id>: "<name>" built: ...        a domain= module became domain <id>
#   (d<id>) <text>                    a line a domain wrote (port 0xE9)
#   <text>                            the initial domain's console_io
#                                     output, raw (no prefix), as in Xen
#   *** Serial input to Xen|DOM0 ...  CTRL-a x3 moved serial input
#   d<id>: crashed: <reason>          domain_crash()
#   d<id>: shut down (<reason>)       SCHEDOP_shutdown, or all vCPUs down
#   domain d<id> (<name>): running <ms> ms, runnable <ms> ms, blocked <ms> ms, ...
#                                     every domain, when dom0 powers off
# A test guest ends with one "Test result: SUCCESS|FAILURE|SKIP|ERROR"
# line and prints "<case>: FAIL: <check>" for each failed check.

GUESTS_DIR=${GUESTS_DIR:-build/guests}
GUEST_XEN_CMDLINE=${GUEST_XEN_CMDLINE:-console=com1 loglvl=all dom0_mem=32M}
: "${OUT:=build/test}" "${LONG:=0}"

# Hypervisor-side failures that end any case.
GUEST_HV_FATAL='FATAL|Panic|Unexpected exception'

guest_build() {
	[ -n "${GUESTS_BUILT:-}" ] && return "$GUESTS_BUILT"
	mkdir -p "$OUT"
	if make -s -C tests/guests >"$OUT/guests-build.log" 2>&1; then
		GUESTS_BUILT=0
		pass "build: test guests (build/guests)"
	else
		GUESTS_BUILT=1
		fail "build: test guests" "make -C tests/guests failed" "$OUT/guests-build.log"
	fi
	return "$GUESTS_BUILT"
}

# A module is "FILE [ARGS]": FILE is relative to $GUESTS_DIR; ARGS is the
# module command line (e.g. "domain=spin,pin=0 shift=24" - plain commas).
guest_mod_file() { printf '%s/%s' "$(cd "$GUESTS_DIR" && pwd)" "${1%% *}"; }
guest_mod_args() { case $1 in *" "*) printf '%s' "${1#* }" ;; esac; }

# guest_qemu NAME TIMEOUT SMP MODULE...: boot under QEMU; sets LOG and RC
# (QEMU's status, 124 = timeout).  QEMU's -initrd separates modules with
# commas, so commas inside a command line are doubled.
guest_qemu() {
	local name=$1 t=$2 smp=$3 m spec initrd=
	shift 3
	for m in "$@"; do
		spec="$(guest_mod_file "$m")"
		[ -n "$(guest_mod_args "$m")" ] && spec+=" $(guest_mod_args "$m")"
		initrd+="${initrd:+,}${spec//,/,,}"
	done
	LOG="$OUT/qemu-guest-$name.log"
	# shellcheck disable=SC2086 # GUEST_QEMU_ARGS: extra QEMU words
	tests/boot/qemu.sh "$LOG" "$t" -smp "$smp" ${GUEST_QEMU_ARGS:-} -initrd "$initrd" \
		-- "$GUEST_XEN_CMDLINE"
	RC=$?
}

# guest_bochs NAME TIMEOUT CPUS MODULE...: the same under Bochs from a
# GRUB ISO; RC is 0 once the machine powered off (or halted/rebooted).
guest_bochs() {
	local name=$1 t=$2 cpus=$3 m a iso="$OUT/bochs-guest-$1.iso" args=()
	shift 3
	for m in "$@"; do
		args+=("$(guest_mod_file "$m")")
		a=$(guest_mod_args "$m")
		[ -n "$a" ] && args+=("$a")
	done
	LOG="$OUT/bochs-guest-$name.log"
	if ! AMPHI_CMDLINE="$GUEST_XEN_CMDLINE" scripts/mkiso.sh "$iso" "${args[@]}" \
		>"$OUT/bochs-guest-$name-iso.log" 2>&1; then
		cp "$OUT/bochs-guest-$name-iso.log" "$LOG"
		RC=2
		return
	fi
	tests/boot/bochs.sh --iso "$iso" --log "$LOG" --cpus "$cpus" --timeout "$t" \
		--quiet --expect 'Powering off|System halted|Rebooting' \
		--fail "$GUEST_HV_FATAL" >"$OUT/bochs-guest-$name.runner" 2>&1
	RC=$?
	rm -f "$iso"
}

# guest_run RIG NAME TIMEOUT CPUS MODULE...: RIG is qemu or bochs.
guest_run() {
	local rig=$1
	shift
	"guest_$rig" "$@"
}

# ---- log helpers ----------------------------------------------------------
# Domain id of the domain= module NAME ("" if it was not built).
guest_domid() {
	grep -aoE "d[0-9]+: \"$2\" built" "$1" | head -n1 | sed -E 's/^d([0-9]+):.*/\1/'
}

# Milliseconds in runstate FIELD (running, runnable, blocked, offline) of
# domain NAME from the power-off summary ("" if absent).
guest_runstate() {
	sed -nE "s/.*domain d[0-9]+ \($2\):.*[ ,:]$3 ([0-9]+) ms.*/\1/p" "$1" | tail -n1
}

# guest_domains_succeeded NAME DOMAIN-NAME...: each domain= module was
# built and its guest reported SUCCESS; their ids land in DOMAIN_IDS, in
# order.  Fails NAME (and returns 1) otherwise.
guest_domains_succeeded() {
	local name=$1 d lines=()
	shift
	DOMAIN_IDS=()
	for d in "$@"; do
		DOMAIN_IDS+=("$(guest_domid "$LOG" "$d")")
		[ -n "${DOMAIN_IDS[-1]}" ] || { fail "$name" "domain $d not built" "$LOG"; return 1; }
		lines+=("\\(d${DOMAIN_IDS[-1]}\\) Test result: SUCCESS")
	done
	expect_lines "$name" "$LOG" "${lines[@]}"
}

# Line number of the first/last line matching an extended regex (0: none).
guest_first_line() { local n; n=$(grep -anE -- "$2" "$1" | head -n1 | cut -d: -f1); echo "${n:-0}"; }
guest_last_line() { local n; n=$(grep -anE -- "$2" "$1" | tail -n1 | cut -d: -f1); echo "${n:-0}"; }

# The first failed checks a guest printed, for the FAIL line.
guest_failed_checks() {
	grep -aoE '[a-z_0-9]+: (FAIL: .*|unexpected (exception|interrupt) .*)' "$1" | head -n3 |
		tr '\n' ';' | sed 's/;$//'
}

# guest_expect_machine NAME: the run ended with the machine powered off
# and no hypervisor failure; returns 1 (after fail) otherwise.
guest_expect_machine() {
	local name=$1
	if grep -aEq -- "$GUEST_HV_FATAL" "$LOG"; then
		fail "$name" "hypervisor: $(grep -aEm1 -A1 -- "$GUEST_HV_FATAL" "$LOG" | tr -s '\n' ' ')" "$LOG"
		return 1
	fi
	if [ "$RC" -ne 0 ]; then
		fail "$name" "runner status $RC (QEMU: 124 = hung; Bochs: no power-off in time)" "$LOG"
		return 1
	fi
	return 0
}

# guest_expect_success NAME [PATTERN...]: a guest reported SUCCESS, no
# guest reported FAILURE or ERROR, and every PATTERN (expect_lines syntax)
# holds.
guest_expect_success() {
	local name=$1 why
	shift
	guest_expect_machine "$name" || return 1
	if grep -aEq 'Test result: (FAILURE|ERROR)' "$LOG"; then
		why=$(guest_failed_checks "$LOG")
		fail "$name" "$(grep -aEom1 'Test result: (FAILURE|ERROR)' "$LOG")${why:+: $why}" "$LOG"
		return 1
	fi
	expect_lines "$name" "$LOG" "Test result: SUCCESS" "$@" || return 1
	return 0
}

# ---- single guests ------------------------------------------------------------
# The case is the initial domain (console_io output), one CPU.
guest_single() {
	local rig=$1 t=$2 case=$3 name
	shift 3
	name="$rig: guest $case"
	guest_run "$rig" "$case" "$t" 1 "$case.elf $*"
	guest_expect_success "$name" "Powering off" && pass "$name"
}

# selftest=hvmcontext: dom0 (CPUS vCPUs, all but vCPU 0 down) is started
# from HVM save images the way libxl starts a PVH guest, through
# arch_hvm_save()/arch_hvm_load(); the images must check out (the PASS
# line) and CASE must then run to SUCCESS from the state they gave it.
guest_hvmcontext() {
	local rig=$1 t=$2 cpus=$3 case=$4 name="$1: guest $4 started from HVM save images"
	GUEST_XEN_CMDLINE="$GUEST_XEN_CMDLINE selftest=hvmcontext" \
		guest_run "$rig" "$case-hvmcontext" "$t" "$cpus" "$case.elf"
	guest_expect_success "$name" "Powering off" \
		"selftest=hvmcontext: d0: PASS" "!selftest=hvmcontext: d0: FAIL" &&
		pass "$name"
}

# hlt_timer, plus: its HLTs (290 ms of timers) really blocked the vCPU.
guest_hlt_timer() {
	local rig=$1 t=$2 name="$1: guest hlt_timer" blk
	guest_run "$rig" hlt_timer "$t" 1 "hlt_timer.elf"
	guest_expect_success "$name" "Powering off" || return
	blk=$(guest_runstate "$LOG" Domain-0 blocked)
	if [ -z "$blk" ] || [ "$blk" -lt 250 ]; then
		fail "$name" "dom0 blocked only ${blk:-?} ms over 290 ms of timed HLTs (HLT must block)" "$LOG"
		return
	fi
	pass "$name (blocked $blk ms)"
}

# The case as a domU next to a controller dom0: output through port 0xE9,
# -EPERM for console_io, shutdown destroys only the domain.
guest_as_domu() {
	local rig=$1 t=$2 case=$3 name id
	shift 3
	name="$rig: guest $case as a domU (port 0xE9 output)"
	guest_run "$rig" "$case-domu" "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"$case.elf domain=$case $*"
	guest_expect_success "$name" || return
	id=$(guest_domid "$LOG" "$case")
	[ -n "$id" ] || { fail "$name" "no 'd<id>: \"$case\" built' line" "$LOG"; return; }
	expect_lines "$name" "$LOG" "\(d$id\) Test result: SUCCESS" "d$id: shut down" &&
		pass "$name"
}

# console_io both ways as dom0: the runner types on the serial line once
# the guest is ready; the guest reads it back through CONSOLEIO_read and
# echoes it raw.  The typing includes CTRL-a x3 (input to the hypervisor,
# whose 'h' key lists its keys, 'q' dumps the domains and 'a' the timer
# queues), CTRL-a x3 again (back to dom0), and a
# CTRL-a pair that is ordinary input (the guest checks what it got, the
# echo shows the bytes went out unchanged).
# QEMU only: the Bochs runner has no serial input.
GUEST_CONSOLE_INPUT='hello-amphi\r\x01\x01\x01hqa\x01\x01\x01x\x01\x01y\r'
GUEST_CONSOLE_ECHO=$'console_io: echo \\[hello-amphi\rx\x01\x01y\r]'
guest_console_io() {
	local rig=$1 t=$2 name="$1: guest console_io (dom0 serial input, raw output, CTRL-a switch)"
	SERIAL_INPUT=$GUEST_CONSOLE_INPUT SERIAL_INPUT_AFTER='console_io: ready for input' \
		guest_run "$rig" console_io "$t" 1 "console_io.elf"
	guest_expect_success "$name" "Powering off" "$GUEST_CONSOLE_ECHO" \
		"console_io: PASS: typed 'hello-amphi' came back" \
		"\*\*\* Serial input to Xen" "'h' pressed -> showing installed handlers" \
		"'q' pressed -> dumping domain info" "d0 \(Domain-0\): 1 vCPUs" \
		"d0 v0: pCPU 0 pause_flags" "d0 v0: RIP 0x" "d0 v0: vLAPIC base 0x" \
		"'a' pressed -> dumping timer queues" "CPU0: first due in" \
		"\*\*\* Serial input to DOM0" "!\(d0\) console_io" && pass "$name"
}

# stall_dump=2: dom0 (the controller) is the only vCPU and sleeps in HLT
# for 4 s, wakes, and sleeps 4 s more.  The watchdog must report each of
# the two stalls once (checks every second), with dom0's vCPU blocked
# (pause_flags bit 0) on its wake timer, and see it run in between.
guest_stall_dump() {
	local rig=$1 t=$2 name="$1: stall_dump= reports each stall of a machine where no vCPU runs, once"
	GUEST_XEN_CMDLINE="$GUEST_XEN_CMDLINE stall_dump=2" \
		guest_run "$rig" stall-dump "$t" 1 "controller.elf sleep=8000 tick=4000"
	guest_expect_success "$name" "Powering off" \
		"stall watchdog: state dump after 2 s without a vCPU running" \
		"stall: no vCPU has run for 2 s \\(stall_dump=\\): timers and domains follow" \
		"CPU0: first due in -?[0-9]+ us" \
		"d0 v0: pCPU 0 pause_flags 0x1 running 0 .* wake timer in [0-9]+ us" \
		"stall: vCPUs run again after [0-9]+ ms" || return
	local seq
	seq=$(grep -aoE 'stall: (no vCPU has run|vCPUs run again)' "$LOG" | sed 's/.* //' | tr '\n' ' ')
	[ "$seq" = "run again run " ] ||
		{ fail "$name" "expected stall, run again, stall; got: $seq" "$LOG"; return; }
	pass "$name"
}

guest_mmio() {
	local rig=$1 t=$2 name="$1: guest mmio (emulated MMIO and string port I/O)"
	guest_run "$rig" mmio "$t" 1 "mmio.elf"
	guest_expect_success "$name" "mmio: rep outsb to port 0xE9 works" && pass "$name"
}

# xapic: dom0 with 2 vCPUs leaves x2APIC mode and drives its APIC through
# the xAPIC page (emulated MMIO): ID, version, self IPIs, a periodic timer
# counted against system time, an IPI to vCPU 1 and its answer.
guest_xapic() {
	local rig=$1 t=$2 name="$1: guest xapic (the vLAPIC's MMIO page: timer, IPIs)"
	guest_run "$rig" xapic "$t" 2 "xapic.elf"
	guest_expect_success "$name" "xapic: PASS: IPI to vCPU 1 through ICR_HI/ICR_LO" &&
		pass "$name"
}

# pit: a domain with the emulated platform (domain=pit,platform) beside
# dom0: PIT channel 2 polled as Linux calibrates, channel 0 at 1 kHz
# through the PIC and the BSP's LINT0 (VIA pic) or through IO-APIC pin 2
# (VIA ioapic), counted against system time (tests/guests/pit).
guest_pit() {
	local rig=$1 t=$2 via=$3 sleep=$4 name="$1: guest pit (PIT ticks through the ${3^^})" id
	guest_run "$rig" "pit-$via" "$t" 1 "controller.elf sleep=$sleep" \
		"pit.elf domain=pit,platform via=$via"
	guest_expect_success "$name" || return
	id=$(guest_domid "$LOG" pit)
	[ -n "$id" ] || { fail "$name" "no 'd<id>: \"pit\" built' line" "$LOG"; return; }
	expect_lines "$name" "$LOG" "\(d$id\) pit: PASS: channel 2 mode 0" \
		"\(d$id\) pit: PASS: .*ticks in [0-9]+ ms" "\(d$id\) Test result: SUCCESS" &&
		pass "$name"
}

# A domU's ports nobody claims (dom0's reach the machine: xen/ioports.h).
guest_portio() {
	local rig=$1 t=$2 name="$1: guest portio (a domU's unclaimed ports: all ones; port 0xE9 line)"
	guest_run "$rig" portio "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"portio.elf domain=pio"
	guest_expect_success "$name" && guest_domains_succeeded "$name" pio &&
		expect_lines "$name" "$LOG" \
		"\(d${DOMAIN_IDS[0]}\) portio: port 0xE9 output works" &&
		pass "$name"
}

# Two memory domains at once, different patterns, on CPUS pCPUs: RAM is
# private to each.  Both must finish PASSES passes within SLEEP ms.
guest_memory_pair() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 passes=$5 name="$1: guest memory x2 at once (private RAM)"
	guest_run "$rig" memory-pair "$t" "$cpus" "controller.elf sleep=$sleep" \
		"memory.elf domain=m1,mem=16 mem_mb=16 seed=1 passes=$passes" \
		"memory.elf domain=m2,mem=24 mem_mb=24 seed=2 passes=$passes"
	guest_expect_success "$name" || return
	guest_domains_succeeded "$name" m1 m2 && pass "$name"
}

# FPU/SSE registers and XCR0 stay each vCPU's own: three fpu domains with
# different seeds (so different XCR0s where XSAVE exists) pinned to one
# pCPU yield to each other between loading and checking their registers.
guest_fpu() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 passes=$5 name="$1: guest fpu x3 on one pCPU (registers and XCR0 kept)"
	guest_run "$rig" fpu-three "$t" "$cpus" "controller.elf sleep=$sleep" \
		"fpu.elf domain=f1,pin=0 seed=1 passes=$passes" \
		"fpu.elf domain=f2,pin=0 seed=2 passes=$passes" \
		"fpu.elf domain=f3,pin=0 seed=3 passes=$passes"
	guest_expect_success "$name" || return
	guest_domains_succeeded "$name" f1 f2 f3 && pass "$name"
}

# memory touch-outside: SUCCESS for the pattern test, then the access
# above RAM must crash the domain (and only it).
guest_memory_outside() {
	local rig=$1 t=$2 name="$1: guest memory, access above RAM reads all ones, no crash" id
	guest_run "$rig" memory-outside "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"memory.elf domain=mem,mem=16 mem_mb=16 touch-outside"
	guest_expect_success "$name" || return
	id=$(guest_domid "$LOG" mem)
	[ -n "$id" ] || { fail "$name" "domain mem was not built" "$LOG"; return; }
	expect_lines "$name" "$LOG" "\(d$id\) memory: PASS: read above RAM returns all ones" \
		"\(d$id\) memory: PASS: a write above RAM went nowhere" \
		"\(d$id\) Test result: SUCCESS" "!d$id: crashed" && pass "$name"
}

guest_realmode() {
	local rig=$1 t=$2 name="$1: guest realmode (flat binary at F000:FFF0)" id
	guest_run "$rig" realmode "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"realmode.bin domain=rm,realmode"
	guest_expect_success "$name" || return
	id=$(guest_domid "$LOG" rm)
	[ -n "$id" ] || { fail "$name" "domain rm was not built" "$LOG"; return; }
	expect_lines "$name" "$LOG" "d$id: \"rm\" built: .*real mode" \
		"\(d$id\) realmode: PASS: CR0.PE clear" "\(d$id\) Test result: SUCCESS" \
		"d$id: shut down" "!d$id: crashed" && pass "$name"
}

# Firmware-style real mode on the emulated platform: the PIT's IRQ 0
# through the 8259 and the IVT, string port I/O through the emulator.
guest_rmirq() {
	local rig=$1 t=$2 name="$1: guest rmirq (real mode: PIT through the PIC and the IVT, REP INS/OUTS)" id
	guest_run "$rig" rmirq "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"rmirq.bin domain=rmi,realmode,platform"
	guest_expect_success "$name" || return
	id=$(guest_domid "$LOG" rmi)
	[ -n "$id" ] || { fail "$name" "domain rmi was not built" "$LOG"; return; }
	expect_lines "$name" "$LOG" \
		"\(d$id\) rmirq: PASS: 100 PIT ticks through the PIC and the real-mode IVT" \
		"\(d$id\) rmirq: PASS: rep insw from an unclaimed port" \
		"\(d$id\) rmirq: PASS: rep outsb from DS:SI in real mode" \
		"\(d$id\) Test result: SUCCESS" "d$id: shut down" "!d$id: crashed" &&
		pass "$name"
}

# INVLPGA from one domain must not reach another's TLB: a victim keeping a
# stale translation and an attacker trying INVLPGA on every ASID share
# pCPU 0 (tests/guests/sensitive).  Under SVM only: INVLPGA is AMD's.
guest_tlb_isolation() {
	local rig=$1 t=$2 name="$1: INVLPGA raises #UD, another domain's TLB is untouched" v a note=
	guest_run "$rig" tlb "$t" 1 "controller.elf sleep=${GUEST_DOMU_SLEEP:-1500}" \
		"sensitive.elf domain=victim,pin=0 tlb=victim" \
		"sensitive.elf domain=attacker,pin=0 tlb=attacker"
	guest_expect_success "$name" || return
	guest_domains_succeeded "$name" victim attacker || return
	v=${DOMAIN_IDS[0]} a=${DOMAIN_IDS[1]}
	expect_lines "$name" "$LOG" \
		"\(d$a\) sensitive: PASS: INVLPGA raised #UD for every ASID" || return
	grep -aEq "\(d$v\) sensitive: SKIP: TLB entries do not survive" "$LOG" &&
		note=" (TLB effect not observable on this CPU: the #UD answers are the check)"
	pass "$name$note"
}

# ---- scheduling -----------------------------------------------------------------
# guest_check_progress NAME DOMAIN-NAME: the spin domain printed progress
# and ran; sets SPIN_ID and SPIN_RUN.
guest_check_progress() {
	local name=$1 dn=$2
	SPIN_ID=$(guest_domid "$LOG" "$dn")
	SPIN_RUN=$(guest_runstate "$LOG" "$dn" running)
	[ -n "$SPIN_ID" ] || { fail "$name" "domain $dn was not built" "$LOG"; return 1; }
	grep -aEq "\(d$SPIN_ID\) spin: progress" "$LOG" ||
		{ fail "$name" "domain $dn (d$SPIN_ID) printed no progress" "$LOG"; return 1; }
	[ -n "$SPIN_RUN" ] ||
		{ fail "$name" "no runstate summary line for $dn" "$LOG"; return 1; }
	[ "$SPIN_RUN" -gt 0 ] ||
		{ fail "$name" "domain $dn never ran (running 0 ms)" "$LOG"; return 1; }
	return 0
}

# The controller (dom0) slept SLEEP ms blocked, not spinning (>= 90%).
guest_check_controller() {
	local name=$1 sleep=$2 blk
	blk=$(guest_runstate "$LOG" Domain-0 blocked)
	if [ -z "$blk" ] || [ $((blk * 10)) -lt $((sleep * 9)) ]; then
		fail "$name" "dom0 blocked ${blk:-?} ms of its ${sleep} ms sleep" "$LOG"
		return 1
	fi
	return 0
}

# Two spin domains on pCPU 0, weights 256 and 512: CPU time 1:2 (+-10%).
guest_fairness() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 shift=$5 name="$1: weights 256:512 on one pCPU -> 1:2 CPU time" r1 r2
	guest_run "$rig" fairness "$t" "$cpus" "controller.elf sleep=$sleep" \
		"spin.elf domain=w256,weight=256,pin=0 shift=$shift" \
		"spin.elf domain=w512,weight=512,pin=0 shift=$shift"
	guest_expect_success "$name" || return
	guest_check_controller "$name" "$sleep" || return
	guest_check_progress "$name" w256 || return
	r1=$SPIN_RUN
	guest_check_progress "$name" w512 || return
	r2=$SPIN_RUN
	# 2 * (1 +- 10%): 1.8 .. 2.2
	if [ $((r2 * 100)) -ge $((r1 * 180)) ] && [ $((r2 * 100)) -le $((r1 * 220)) ]; then
		pass "$name (running $r1 ms vs $r2 ms)"
	else
		fail "$name" "running $r1 ms (weight 256) vs $r2 ms (weight 512): ratio $((r2 * 100 / r1))% of 1, want 180-220%" "$LOG"
	fi
}

# A spin domain capped at 25% of pCPU 0 runs at most 27% of its lifetime.
guest_cap() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 shift=$5 name="$1: cap=25 -> at most 25% (+2%) of a pCPU" run rnb blk total
	guest_run "$rig" cap "$t" "$cpus" "controller.elf sleep=$sleep" \
		"spin.elf domain=capped,cap=25,pin=0 shift=$shift"
	guest_expect_success "$name" || return
	guest_check_controller "$name" "$sleep" || return
	guest_check_progress "$name" capped || return
	run=$SPIN_RUN
	rnb=$(guest_runstate "$LOG" capped runnable)
	blk=$(guest_runstate "$LOG" capped blocked)
	total=$((run + ${rnb:-0} + ${blk:-0}))
	if [ $((run * 100)) -le $((total * 27)) ]; then
		pass "$name (running $run of $total ms)"
	else
		fail "$name" "running $run ms of $total ms = $((run * 100 / total))% > 27%" "$LOG"
	fi
}

# One spin domain pinned to each pCPU: each runs most of the time (>= 50%
# of running + runnable; boot work on pCPU 0 counts as runnable), so every
# pCPU schedules guests.
guest_pinned() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 shift=$5 name="$1: a spin domain pinned to each of $3 pCPUs runs there" p rnb runs=''
	local mods=("controller.elf sleep=$sleep")
	for ((p = 0; p < cpus; p++)); do
		mods+=("spin.elf domain=p$p,pin=$p shift=$shift")
	done
	guest_run "$rig" pinned "$t" "$cpus" "${mods[@]}"
	guest_expect_success "$name" || return
	for ((p = 0; p < cpus; p++)); do
		guest_check_progress "$name" "p$p" || return
		rnb=$(guest_runstate "$LOG" "p$p" runnable)
		runs+=" p$p:$SPIN_RUN/$((SPIN_RUN + ${rnb:-0}))"
		if [ $((SPIN_RUN * 2)) -lt $((SPIN_RUN + ${rnb:-0})) ]; then
			fail "$name" "p$p (pinned to pCPU $p) ran $SPIN_RUN ms of $((SPIN_RUN + ${rnb:-0})) ms running+runnable (ms:$runs)" "$LOG"
			return
		fi
	done
	pass "$name (running/running+runnable ms:$runs)"
}

# Four spin domains, unpinned, on CPUS pCPUs: every one runs and prints
# progress, and no pCPU idles while they wait: each gets at least 70% of
# its fair share CPUS/4 of the time it was running or runnable.
guest_four() {
	local rig=$1 t=$2 cpus=$3 sleep=$4 shift=$5 name="$1: four spin domains on $3 pCPUs all progress, no idle pCPU" n runs='' rnb
	guest_run "$rig" four "$t" "$cpus" "controller.elf sleep=$sleep" \
		"spin.elf domain=s1 shift=$shift" "spin.elf domain=s2 shift=$shift" \
		"spin.elf domain=s3 shift=$shift" "spin.elf domain=s4 shift=$shift"
	guest_expect_success "$name" || return
	guest_check_controller "$name" "$sleep" || return
	for n in s1 s2 s3 s4; do
		guest_check_progress "$name" "$n" || return
		rnb=$(guest_runstate "$LOG" "$n" runnable)
		runs+=" $n:$SPIN_RUN/$((SPIN_RUN + ${rnb:-0}))"
		# running / (running + runnable) >= 0.7 * cpus / 4
		if [ $((SPIN_RUN * 400)) -lt $(((SPIN_RUN + ${rnb:-0}) * 70 * cpus)) ]; then
			fail "$name" "$n ran $SPIN_RUN ms of $((SPIN_RUN + ${rnb:-0})) ms running+runnable, under 70% of a $cpus/4 share (ms:$runs)" "$LOG"
			return
		fi
	done
	pass "$name (running/running+runnable ms:$runs)"
}

# ---- isolation ------------------------------------------------------------------
# guest_hostile RIG TIMEOUT SLEEP SHIFT CASE [ARGS]: the hostile case and a
# spin domain share pCPU 0 next to a controller.  Unless CASE is cli_spin
# or db_loop (which are never crashed, only preempted) the hostile domain
# must be crashed; the spin domain must print progress after that (or, for
# those two, get a fair share); the controller must still report SUCCESS.
# db_loop must have armed its #DB loop and never reached its handler.
guest_hostile() {
	local rig=$1 t=$2 sleep=$3 shift=$4 case=$5 gargs=${6:-} name hid crash last hrun
	name="$rig: isolation: $case${gargs:+ ($gargs)} hurts only itself"
	guest_run "$rig" "hostile-$case${gargs:+-${gargs//[^a-z0-9]/}}" "$t" 1 \
		"controller.elf sleep=$sleep" \
		"spin.elf domain=spin,pin=0 shift=$shift" \
		"$case.elf domain=hostile,pin=0 $gargs"
	guest_expect_success "$name" "Powering off" || return
	hid=$(guest_domid "$LOG" hostile)
	[ -n "$hid" ] || { fail "$name" "domain hostile was not built" "$LOG"; return; }
	guest_check_progress "$name" spin || return
	if [ "$case" = db_loop ]; then
		expect_lines "$name" "$LOG" "\(d$hid\) db_loop: armed" \
			"!\(d$hid\) db_loop: FAIL" || return
	fi
	if [ "$case" = cli_spin ] || [ "$case" = db_loop ]; then
		hrun=$(guest_runstate "$LOG" hostile running)
		expect_lines "$name" "$LOG" "!d$hid: crashed" || return
		if [ -z "$hrun" ] || [ "$hrun" -le 0 ]; then
			fail "$name" "the $case domain never ran" "$LOG"; return
		fi
		# Equal weights on one pCPU: the spinner gets at least a third
		# of what the hostile domain gets.
		if [ $((SPIN_RUN * 3)) -lt "$hrun" ]; then
			fail "$name" "spin ran $SPIN_RUN ms vs $case $hrun ms" "$LOG"; return
		fi
		pass "$name (spin $SPIN_RUN ms, $case $hrun ms)"
		return
	fi
	crash=$(guest_first_line "$LOG" "d$hid: (crashed: |shut down)")
	if [ "$crash" -eq 0 ]; then
		fail "$name" "no 'd$hid: crashed: ' line" "$LOG"; return
	fi
	# Crashed by the hypervisor, or a triple fault's shutdown (Xen's
	# HVM_PARAM_TRIPLE_FAULT_REASON, reboot by default), not a shutdown
	# of the guest's own asking.
	if [ -z "${GUEST_HOSTILE_MAY_SHUTDOWN:-}" ] &&
		! grep -aEq "d$hid: (crashed: |triple fault on vCPU[0-9]+ .*shutdown action)" "$LOG"; then
		fail "$name" "d$hid shut down instead of being crashed: $(sed -n "${crash}p" "$LOG")" "$LOG"
		return
	fi
	last=$(guest_last_line "$LOG" "\(d$SPIN_ID\) spin: progress")
	if [ "$last" -le "$crash" ]; then
		fail "$name" "no spin progress after d$hid ended (line $crash)" "$LOG"; return
	fi
	pass "$name ($(sed -n "${crash}p" "$LOG" | grep -aoE "d$hid: .*" | cut -c1-70))"
}

# timer_window: timers wake vCPUs on time while interrupt windows are
# being opened on their pCPUs (tests/guests/timer_window).  Under QEMU TCG
# a LAPIC timer interrupt that fires during such an entry can be lost
# (xen/common/timer.c, timer_catch_up()); a hypervisor that waited for it
# left a vCPU asleep forever, which shows here as a hang.  Two domains,
# dom0 and a domU, one per pCPU: dom0 runs SECS seconds, the domU 3
# fewer so that it ends first.  The power-off summary counts the lost
# interrupts the hypervisor saw (reported, not required: it catches up
# with some before they show).
guest_timer_window() {
	local rig=$1 t=$2 secs=$3 id lost
	local name="$1: guest timer_window (timers wake vCPUs while interrupt windows open)"
	guest_run "$rig" timer_window "$t" 2 "timer_window.elf secs=$secs" \
		"timer_window.elf domain=tw secs=$((secs - 3))"
	if [ "$rig" = qemu ] && [ "$RC" -eq 124 ]; then
		fail "$name" "hung: a vCPU never woke from a 1 ms sleep (a lost timer interrupt waited for)" "$LOG"
		return
	fi
	guest_expect_success "$name" "Powering off" \
		"timer_window: PASS: [0-9]+ rounds, [0-9]+ entries with the window open" || return
	id=$(guest_domid "$LOG" tw)
	[ -n "$id" ] || { fail "$name" "no 'd<id>: \"tw\" built' line" "$LOG"; return; }
	expect_lines "$name" "$LOG" "\(d$id\) Test result: SUCCESS" || return
	lost=$(sed -nE 's/.*CPU[0-9]+: [0-9]+ timers queued, .* ([0-9]+) interrupts seen lost.*/\1/p' "$LOG" |
		awk '{ n += $1 } END { print n + 0 }')
	pass "$name ($lost lost timer interrupts seen)"
}

# hostile_dom0: the initial domain (with CPUS vCPUs; 2 lets it name an
# offline vCPU) throws bad values at every hypercall and checks each
# answer against Xen 4.17.  Amphi must stay up and count the bad requests
# in dom0's power-off summary line.  A spin guest beside it (d1) is the
# peer whose memory dom0 maps (foreign maps, its grant table through
# acquire_resource) before shutting it down: d1's teardown must find its
# two frames still mapped by dom0, and the last must return to the
# allocator once dom0 unmaps it.  The peer has the emulated platform:
# before that, dom0 takes its HVM save image and sets it back (the same
# bytes come back; bad PIC, IOAPIC, PIT and LAPIC records are refused and
# change nothing).  Dom0's 100,000-op grant batches must
# have been continued (the d0 summary counts continuations).
# EXTRA (optional) is appended to the hypervisor command line, e.g.
# selftest=preempt: every continuable hypercall then stops after each
# step, and every answer must stay the same.
guest_hostile_dom0() {
	local rig=$1 t=$2 cpus=$3 extra=${4:-} bad cont
	local name="$1: guest hostile_dom0 (bad hypercall arguments, Xen 4.17 answers)"
	[ -n "$extra" ] && name="$name, $extra"
	GUEST_XEN_CMDLINE="$GUEST_XEN_CMDLINE${extra:+ $extra}" \
		guest_run "$rig" "hostile_dom0${extra:+-${extra//[^a-z]/}}" "$t" "$cpus" \
		"hostile_dom0.elf" "spin.elf domain=peer,mem=8,platform"
	guest_expect_success "$name" "Powering off" \
		"hostile_dom0: PASS: alive: set_timer_op \+ HLT slept" \
		"hostile_dom0: PASS: d1's image \([0-9]+ bytes\) holds PIC 0 and 1" \
		"hostile_dom0: PASS: and read again: the same [0-9]+ bytes" \
		"hostile_dom0: PASS: the peer is gone" \
		"d1: destroyed: .* 2 of its frames still mapped elsewhere" \
		"d1: its last frame returned to the allocator" || return
	if [ "$(guest_first_line "$LOG" "d1: destroyed")" -gt \
	     "$(guest_first_line "$LOG" "d1: its last frame returned")" ]; then
		fail "$name" "d1's last frame returned before its teardown" "$LOG"
		return
	fi
	bad=$(sed -nE 's/.*domain d0 \(Domain-0\):.* ([0-9]+) bad requests.*/\1/p' "$LOG" | tail -n1)
	cont=$(sed -nE 's/.*domain d0 \(Domain-0\):.* ([0-9]+) continuations.*/\1/p' "$LOG" | tail -n1)
	if [ -z "$bad" ] || [ "$bad" -lt 1 ]; then
		fail "$name" "dom0's bad requests not counted (${bad:-no summary line})" "$LOG"
		return
	fi
	if [ -z "$cont" ] || [ "$cont" -lt 1 ]; then
		fail "$name" "no continuation counted (${cont:-no summary line})" "$LOG"
		return
	fi
	pass "$name ($bad bad requests counted, $cont continuations)"
}

# ---- many vCPUs, many timers ------------------------------------------------------
# guest_many_timers RIG TIMEOUT CPUS NDOMS NVCPUS SLEEP: NDOMS domains of
# NVCPUS vCPUs each run the timers case (every vCPU arms its wake,
# periodic, poll and vLAPIC timers at once, then checks they wake it on
# time) next to a controller; 8 x 16 vCPUs x 4 timers is far more than a
# pCPU's timer queue once held (256, then a panic).  Two more modules ask
# for what cannot be had - more RAM than the machine has, more vCPUs than
# a domain may have: each is refused with a logged reason, the rest runs.
# QEMU runs with -icount shift=0 (guest time = instructions): 129 vCPUs on
# two emulated pCPUs on a busy host would otherwise measure the host.
guest_many_timers() {
	local rig=$1 t=$2 cpus=$3 ndoms=$4 nv=$5 sleep=$6 i id name peak peaks='' moved moves=''
	local mods=("controller.elf sleep=$sleep")
	name="$rig: $ndoms domains x $nv vCPUs arm all their timers at once; impossible domains refused"
	for ((i = 1; i <= ndoms; i++)); do
		mods+=("timers.elf domain=t$i,vcpus=$nv,mem=8")
	done
	mods+=("timers.elf domain=toobig,vcpus=16,mem=65536" "timers.elf domain=toomany,vcpus=17")
	GUEST_QEMU_ARGS="-icount shift=0" guest_run "$rig" many-timers "$t" "$cpus" "${mods[@]}"
	guest_expect_success "$name" \
		"domain not started: not enough free memory for mem=" \
		"domain not started: vcpus=<n> must be 1\.\.16" \
		"!\"too(big|many)\" built" || return
	for ((i = 1; i <= ndoms; i++)); do
		id=$(guest_domid "$LOG" "t$i")
		[ -n "$id" ] || { fail "$name" "domain t$i was not built" "$LOG"; return; }
		expect_lines "$name" "$LOG" "\(d$id\) timers: PASS: $nv vCPUs woke on time" \
			"\(d$id\) Test result: SUCCESS" || return
	done
	# The timers followed their vCPUs: every pCPU's queue held at least
	# half its fair share of the vCPUs' four timers each at some point.
	for ((i = 0; i < cpus; i++)); do
		peak=$(sed -nE "s/.*CPU$i: [0-9]+ timers queued, at most ([0-9]+) at once.*/\1/p" "$LOG" | tail -n1)
		moved=$(sed -nE "s/.*CPU$i: [0-9]+ timers queued, .*, ([0-9]+) moved here armed.*/\1/p" "$LOG" | tail -n1)
		peaks+=" CPU$i:${peak:-?}"
		moves+=" CPU$i:${moved:-?}"
		if [ -z "$peak" ] || [ "$peak" -lt $((ndoms * nv * 2 / cpus)) ]; then
			fail "$name" "CPU$i's timer queue peaked at ${peak:-?} timers (want >= $((ndoms * nv * 2 / cpus)): timers must follow their vCPUs)" "$LOG"
			return
		fi
	done
	pass "$name ($(grep -aoE 'latest by [0-9]+ us' "$LOG" | sort -t' ' -k3 -n | tail -n1); queue peaks$peaks; armed timers moved in$moves)"
}

# ---- suites -------------------------------------------------------------------------
guest_cases_svm() {
	local c
	guest_build || return
	for c in cpuid msr hypercall memory x86_policy sensitive; do
		guest_single qemu 60 "$c"
	done
	guest_hlt_timer qemu 60
	guest_portio qemu 60
	guest_mmio qemu 60
	guest_xapic qemu 90
	guest_rmirq qemu 60
	guest_pit qemu 90 pic 4000
	guest_pit qemu 90 ioapic 4000
	guest_console_io qemu 90
	guest_stall_dump qemu 60
	guest_as_domu qemu 60 cpuid
	guest_as_domu qemu 60 hypercall
	guest_as_domu qemu 60 console_io
	guest_memory_pair qemu 90 2 2000 4
	guest_fpu qemu 90 2 3000 2000
	guest_memory_outside qemu 60
	guest_realmode qemu 60
	guest_tlb_isolation qemu 60
	guest_pinned qemu 90 2 2000 24
	guest_fairness qemu 90 2 3000 24
	guest_cap qemu 90 2 3000 24
	guest_four qemu 90 2 3000 24
	# Not db_loop: QEMU TCG itself hangs or aborts on it (a watchpoint
	# hit while it delivers an exception), whatever the hypervisor does.
	for c in triplefault garbage cli_spin wildpt; do
		guest_hostile qemu 60 2000 22 "$c"
	done
	guest_hostile qemu 60 2000 22 wildpt mode=cr3
	GUEST_HOSTILE_MAY_SHUTDOWN=1 guest_hostile qemu 60 2000 22 garbage "fill=random seed=7"
	guest_hostile_dom0 qemu 90 2
	guest_hostile_dom0 qemu 300 2 selftest=preempt
	guest_hvmcontext qemu 60 2 cpuid
	guest_many_timers qemu 120 2 8 16 3000
	guest_timer_window qemu 90 15
}

guest_cases_vmx() {
	guest_build || return
	guest_single bochs 240 cpuid
	guest_single bochs 240 hypercall
	guest_single bochs 300 x86_policy
	guest_single bochs 240 sensitive
	guest_hlt_timer bochs 240
	guest_realmode bochs 240
	guest_mmio bochs 240
	guest_pit bochs 300 pic 15000
	guest_pit bochs 300 ioapic 15000
	guest_xapic bochs 300
	guest_rmirq bochs 240
	guest_fpu bochs 300 1 3000 200
	guest_hostile bochs 300 1500 20 triplefault
	guest_hostile bochs 300 1500 20 db_loop
	guest_hostile_dom0 bochs 240 2
	guest_hvmcontext bochs 300 2 cpuid
	guest_many_timers bochs 300 2 8 16 3000
	guest_timer_window bochs 240 5
}

guest_cases_vmx_long() {
	local c
	guest_build || return
	for c in cpuid msr hypercall memory x86_policy sensitive; do
		guest_single bochs 300 "$c"
	done
	guest_hlt_timer bochs 300
	guest_portio bochs 240
	guest_mmio bochs 240
	guest_pit bochs 300 pic 15000
	guest_pit bochs 300 ioapic 15000
	guest_xapic bochs 300
	guest_as_domu bochs 300 cpuid
	guest_as_domu bochs 300 hypercall
	guest_memory_pair bochs 480 2 6000 2
	guest_memory_outside bochs 300
	guest_realmode bochs 240
	guest_pinned bochs 480 2 2000 20
	guest_fairness bochs 480 2 3000 20
	guest_cap bochs 480 1 3000 20
	guest_four bochs 600 2 3000 20
	for c in triplefault garbage cli_spin wildpt db_loop; do
		guest_hostile bochs 300 1500 20 "$c"
	done
	guest_hostile bochs 300 1500 20 wildpt mode=cr3
	GUEST_HOSTILE_MAY_SHUTDOWN=1 guest_hostile bochs 300 1500 20 garbage "fill=random seed=7"
	guest_hostile_dom0 bochs 240 2
	guest_many_timers bochs 480 4 8 16 3000
	guest_timer_window bochs 240 5
}
