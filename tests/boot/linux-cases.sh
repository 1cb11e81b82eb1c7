# Stock Debian Linux 6.1 as Amphi's PVH initial domain (issue 4).
# Sourced by tests/run-tests.sh after tests/lib.sh.
#   linux_cases_svm   QEMU TCG (SVM): dom0 with 1 and 2 vCPUs, in make test
#   linux_cases_vmx   Bochs (VMX): dom0 with 1 vCPU, in make test (~2 min)
#   linux_cases_vmx_long  Bochs: dom0 with 2 vCPUs (make test-long)
#
# The initramfs (tests/linux/mkinitramfs.sh) runs tests/linux/init.sh as
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
	   ! tests/linux/mkinitramfs.sh "$LINUX_INITRD" - \
		build/linux/bin/xen-devices-test build/linux/bin/xen-foreign-test \
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

# linux_dom0_case NAME NVCPUS RUNNER: boot, run the checks, power off.
linux_dom0_case() {
	local name=$1 n=$2 runner=$3
	LOG="$OUT/$4.log"

	linux_prepare || return
	if [ "$runner" = qemu ]; then
		tests/boot/qemu.sh "$LOG" 900 -smp 2 -m 2048 \
			-initrd "build/linux/vmlinuz $LINUX_KARGS,$LINUX_INITRD" \
			-- $LINUX_XEN_CMDLINE dom0_max_vcpus=$n
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
		"!unchecked MSR access" || return
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

linux_cases_svm() {
	linux_dom0_case "linux svm: dom0 1 vCPU to /init, drivers, sleep, poweroff" 1 qemu linux-svm-1
	linux_dom0_case "linux svm: dom0 2 vCPUs to /init, drivers, sleep, poweroff" 2 qemu linux-svm-2
	linux_console_case
	linux_foreign_case
}

linux_cases_vmx() {
	linux_dom0_case "linux vmx: dom0 1 vCPU to /init, drivers, sleep, poweroff" 1 bochs linux-vmx-1
}

linux_cases_vmx_long() {
	linux_dom0_case "linux vmx: dom0 2 vCPUs to /init, drivers, sleep, poweroff" 2 bochs linux-vmx-2
}
