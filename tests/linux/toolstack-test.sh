#!/bin/sh
# The toolstack checks in dom0 (installed as /test/toolstack in the root of
# tools/mkdom0root.sh, run by tools/dom0-init.sh with
# amphi_test=/test/toolstack once xenstored, xen-init-dom0 and xenconsoled
# have been started; tests/boot/linux-cases.sh linux_toolstack_case).
#
# One "toolstack: PASS|FAIL: <check>" line per check; the output of the xl
# commands follows, each line prefixed with the command ("xl-info: ...");
# ends with "Test result: SUCCESS|FAILURE" (tests/linux/checks.sh).
CHECKS_PREFIX=toolstack
. /test/checks.sh

check "xenstored is running (pid ${XENSTORED_PID:-?})" alive "${XENSTORED_PID:-}"
check "xenstore-write /amphi-test" xenstore-write /amphi-test hello
check "xenstore-read /amphi-test = hello" [ "$(xenstore-read /amphi-test 2>&1)" = hello ]
check "xenstore-rm /amphi-test" xenstore-rm /amphi-test
check "/amphi-test is gone" sh -c '! xenstore-exists /amphi-test'
check "xen-init-dom0 exited with status 0 (${XEN_INIT_DOM0_RC:-?})" [ "${XEN_INIT_DOM0_RC:-}" = 0 ]
run_prefixed xenstore-ls xenstore-ls -fp /local/domain/0
check "xen-init-dom0 wrote /local/domain/0/name = Domain-0" \
	[ "$(xenstore-read /local/domain/0/name 2>&1)" = Domain-0 ]
check "xen-init-dom0 wrote /local/domain/0/domid = 0" \
	[ "$(xenstore-read /local/domain/0/domid 2>&1)" = 0 ]
run_prefixed xenstore-ls-pool xenstore-ls -f /local/pool
check "xen-init-dom0 wrote /local/pool/0/name" xenstore-exists /local/pool/0/name
check "xenconsoled is running (pid ${XENCONSOLED_PID:-?})" alive "${XENCONSOLED_PID:-}"

run_prefixed xl-info xl info
check "xl info exits 0" [ "$RC" = 0 ]
check "xl info reports xen_version 4.17" grep -q '^xen_version *: 4\.17' /tmp/out
check "xl info reports nr_cpus and total_memory (physinfo)" sh -c \
	"grep -Eq '^nr_cpus *: [1-9]' /tmp/out && grep -Eq '^total_memory *: [1-9]' /tmp/out"
check "xl info reports the scheduler" grep -Eq '^xen_scheduler *: [a-z]' /tmp/out
run_prefixed xl-list xl list
check "xl list exits 0" [ "$RC" = 0 ]
check "xl list shows Domain-0 with id 0" grep -Eq '^Domain-0 +0 ' /tmp/out
run_prefixed xl-dmesg xl dmesg
check "xl dmesg exits 0" [ "$RC" = 0 ]
check "xl dmesg shows the hypervisor's boot banner" grep -q 'Amphi .* hypervisor starting' /tmp/out

# Xen's own test programs, as Debian ships them in xen-utils-4.17: each
# one's output is in the log ("xen-test-NAME: ..."), and each must pass.
B=/usr/lib/xen-4.17/bin
for t in test-xenstore test-cpu-policy test-resource test-paging-mempool; do
	run_prefixed "xen-test-$t" "$B/$t"
	check "Xen's $t passes" [ "$RC" = 0 ]
done
run_prefixed xen-cpuid "$B/xen-cpuid" -p
check "xen-cpuid -p reads the policies" [ "$RC" = 0 ]

check "xenstored still running after the xl commands" alive "${XENSTORED_PID:-}"
check "xenconsoled still running after the xl commands" alive "${XENCONSOLED_PID:-}"
checks_summary
