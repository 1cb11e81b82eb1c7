#!/bin/bash
# Boot an ISO under Bochs (Intel VMX + EPT, or AMD SVM + NPT with an AMD CPU
# model), headless, and decide pass/fail from the serial log.
#
#   tests/boot/bochs.sh [--iso build/amphi.iso] [--log build/bochs-serial.log]
#       [--timeout 120] [--expect 'Powering off'] [--fail 'FATAL|Panic']
#       [--cpu corei7_haswell_4770] [--cpus 1] [--mem 512] [--quiet]
#
# Exit status: 0 the --expect regex (grep -E) appeared in the serial log;
# 1 the --fail regex appeared, Bochs stopped first, or the timeout expired;
# 2 usage or setup error.  Bochs itself always exits with status 1 (see
# docs/testing.md "Bochs"), so only the log counts.  Bochs runs in its own
# process group, which is killed on every exit path: nothing is left behind.
#
# Environment defaults: BOCHS_CPU, BOCHS_CPUS, BOCHS_MEM, BOCHS_TIMEOUT.
# Beside the serial log go NAME-bochs.log (Bochs' own log), NAME-stdout.log
# (its stdout, where port 0xE9 output appears) and NAME.bochsrc.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
iso=$root/build/amphi.iso
log=$root/build/bochs-serial.log
timeout=${BOCHS_TIMEOUT:-120}
expect='Powering off'
fail='FATAL|Panic|\*\*\* Unexpected'
cpu=${BOCHS_CPU:-corei7_haswell_4770}
cpus=${BOCHS_CPUS:-1}
mem=${BOCHS_MEM:-512}
quiet=0

usage() {
	sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
}

die() {
	echo "bochs.sh: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--iso) iso=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--expect) expect=$2; shift 2 ;;
	--fail) fail=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--quiet) quiet=1; shift ;;
	-h|--help) usage ;;
	*) echo "bochs.sh: unknown argument $1" >&2; usage ;;
	esac
done

command -v bochs >/dev/null || die "bochs not found: install bochs bochsbios vgabios"
[ -f "$iso" ] || die "$iso not found (make iso)"
[[ $timeout =~ ^[0-9]+$ && $cpus =~ ^[0-9]+$ && $mem =~ ^[0-9]+$ ]] ||
	die "--timeout, --cpus and --mem take whole numbers"
[ "$cpus" -ge 1 ] || die "--cpus must be at least 1"
bios=/usr/share/bochs/BIOS-bochs-latest
vgabios=/usr/share/vgabios/vgabios.bin
[ -f "$bios" ] && [ -f "$vgabios" ] || die "Bochs BIOS images missing: install bochsbios vgabios"

mkdir -p "$(dirname "$log")"
iso=$(cd "$(dirname "$iso")" && pwd)/$(basename "$iso")
log=$(cd "$(dirname "$log")" && pwd)/$(basename "$log")
base=${log%.log}
rc_file=$base.bochsrc
cmd_file=$base.cmds
bochs_log=$base-bochs.log
stdout_log=$base-stdout.log
for f in "$iso" "$log"; do
	case $f in *[,\"]*) die "paths must not contain commas or quotes: $f" ;; esac
done

# docs/testing.md "Bochs": rfb with timeout=0 is the headless display;
# the sound and speaker lines avoid an abort at start; vga extension=none
# keeps GRUB from setting a graphics mode that triple-faults;
# reset_on_triple_fault=0 turns a triple fault into a Bochs panic (it
# exits) instead of a silent reboot.
cat >"$rc_file" <<EOF
megs: $mem
cpu: model=$cpu, count=$cpus, ips=100000000, reset_on_triple_fault=0
romimage: file=$bios
vgaromimage: file=$vgabios
ata0-master: type=cdrom, path="$iso", status=inserted
boot: cdrom
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev="$log"
log: $bochs_log
panic: action=fatal
error: action=report
info: action=ignore
debug: action=ignore
port_e9_hack: enabled=1
vga: extension=none
clock: sync=none, time0=local
speaker: enabled=0
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
EOF
# Debian's Bochs has its debugger built in: it stops before the first
# instruction and reads commands; "c" runs, "q" quits if the run stops.
printf 'c\nq\n' >"$cmd_file"
: >"$log"

pgid=
stop_bochs() {
	[ -n "$pgid" ] || return 0
	kill -TERM -- "-$pgid" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 -- "-$pgid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL -- "-$pgid" 2>/dev/null
	wait "$pgid" 2>/dev/null
	pgid=
}
trap stop_bochs EXIT
trap 'stop_bochs; exit 1' INT TERM HUP

# Microseconds since the epoch (bash 5's EPOCHREALTIME; no fork per poll).
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$((10#$t))"; }

# setsid: Bochs and anything it forks get their own process group (its id
# is Bochs' pid), so one kill reaches them all.
start=$(now_us)
setsid bochs -q -f "$rc_file" -rc "$cmd_file" </dev/null >"$stdout_log" 2>&1 &
pgid=$!
[ "$quiet" = 1 ] || echo "bochs.sh: $cpu x$cpus, ${mem} MiB, $(basename "$iso"); serial log $log"

result=
deadline=$((start + timeout * 1000000))
while :; do
	# Liveness first: if Bochs has exited, the greps below see its last
	# output, so a marker written just before exiting still counts.
	alive=1
	kill -0 "$pgid" 2>/dev/null || alive=0
	if grep -aEq -- "$fail" "$log"; then
		result=FAIL
		why="fail marker: $(grep -aEm1 -- "$fail" "$log")"
	elif grep -aEq -- "$expect" "$log"; then
		result=PASS
		why="'$(grep -aEom1 -- "$expect" "$log")'"
	elif [ "$alive" = 0 ]; then
		result=FAIL
		why="Bochs stopped before the marker (see $bochs_log)"
	elif [ "$(now_us)" -ge "$deadline" ]; then
		result=FAIL
		why="no marker within ${timeout}s"
	fi
	[ -z "$result" ] || break
	sleep 0.2
done
us=$(($(now_us) - start))
secs=$((us / 1000000)).$((us / 100000 % 10))
stop_bochs

echo "bochs.sh: $result: $why after ${secs}s"
if [ "$result" != PASS ]; then
	echo "---- last serial lines ($log):"
	tail -n 25 "$log"
	if grep -qE '^[0-9]+[ep]\[' "$bochs_log" 2>/dev/null; then
		echo "---- Bochs errors and panics ($bochs_log):"
		grep -E '^[0-9]+[ep]\[' "$bochs_log" | tail -n 10
	fi
	exit 1
fi
exit 0
