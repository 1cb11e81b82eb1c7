#!/usr/bin/env bash
# Build a dom0 initramfs (gzip-compressed newc cpio):
#
#   tools/mkinitramfs.sh OUT.cpio.gz [INIT|-] [FILE[=/DEST]]...
#
# The tests' busybox initramfs (tests/linux/) and, with INITRAMFS_TREES,
# the toolstack root that tools/mkdom0root.sh assembles.
#
# Contents: Debian's static busybox with its applet links, the mount points
# /dev /proc /sys /tmp /run, the Xen userspace-interface modules of the
# kernel that tests/linux/fetch-kernel.sh unpacked (build/linux/modules) plus
# everything they depend on (from modules.dep), a modules.dep for that set
# and a modules.load list in load order, /init (INIT, or tests/linux/init.sh
# when INIT is - or absent), and each extra FILE at /DEST (default
# /test/<name of FILE>).  /dev/console is added as a device node without
# needing root.  Timestamps and owners are normalised, so the same inputs
# give the same bytes (SOURCE_DATE_EPOCH sets the timestamp, default 0).
#
# Environment: LINUX_BUILD (default build/linux), INITRAMFS_MODULES (module
# names, default "xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs"),
# INITRAMFS_TREES (directories whose contents are copied in after busybox,
# before /init and the extra files: a file there replaces a busybox applet
# link of the same name, e.g. bash's /bin/bash).
#
# busybox-static conflicts with Debian's (dynamic) busybox package, which
# initramfs-tools pulls in, so it is not installed: its .deb is downloaded
# with apt-get and unpacked under build/linux/ (unless it is installed
# already).  cpio is installed if missing, as scripts/deps.sh does.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LB=${LINUX_BUILD:-$ROOT/build/linux}
WANT=${INITRAMFS_MODULES:-xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs}
EPOCH=${SOURCE_DATE_EPOCH:-0}
TREES=${INITRAMFS_TREES:-}

log() { echo "mkinitramfs: $*" >&2; }
die() { log "$*"; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT.cpio.gz [INIT|-] [FILE[=/DEST]]..."
case $1 in /*) OUT=$1 ;; *) OUT=$PWD/$1 ;; esac
INIT=${2:--}
shift $(($# >= 2 ? 2 : 1))
[ "$INIT" = - ] && INIT=$ROOT/tests/linux/init.sh
[ -f "$INIT" ] || die "no init script $INIT"
INIT=$(realpath "$INIT")
EXTRA=()
for spec in "$@"; do
	src=${spec%%=*}
	if [ "$src" = "$spec" ]; then dst=/test/$(basename "$src"); else dst=${spec#*=}; fi
	case $dst in /*) ;; *) die "destination $dst of $src must be absolute" ;; esac
	[ -f "$src" ] || die "no file $src"
	EXTRA+=("$(realpath "$src")=$dst")
done
for t in $TREES; do [ -d "$t" ] || die "no directory $t (INITRAMFS_TREES)"; done

start=$(date +%s.%N)

# --- tools ------------------------------------------------------------------------
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
candidate() { apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" && $2 != "(none)" { print $2 }'; }
as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root or sudo to run: $*"
	fi
}
if ! installed cpio; then
	log "installing cpio"
	export DEBIAN_FRONTEND=noninteractive
	[ -n "$(candidate cpio)" ] || as_root apt-get update -q >/dev/null
	as_root apt-get install -y -q --no-install-recommends cpio >/dev/null
fi

cached_bb=$(ls -d "$LB"/busybox-static/*/bin/busybox 2>/dev/null | sort -V | tail -n1 || true)
if installed busybox-static; then
	BUSYBOX=/bin/busybox
elif [ -x "$cached_bb" ]; then
	BUSYBOX=$cached_bb	# unpacked by an earlier run
else
	ver=$(candidate busybox-static)
	if [ -z "$ver" ]; then
		log "package lists know no busybox-static; running apt-get update"
		as_root apt-get update -q >/dev/null
		ver=$(candidate busybox-static)
		[ -n "$ver" ] || die "no busybox-static package"
	fi
	bbdir=$LB/busybox-static/${ver//:/_}
	BUSYBOX=$bbdir/bin/busybox
	if [ ! -x "$BUSYBOX" ]; then
		mkdir -p "$LB/debs"
		deb=$(ls "$LB/debs/busybox-static_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$deb" ]; then
			log "downloading busybox-static $ver"
			(cd "$LB/debs" && apt-get download -q "busybox-static=$ver" 2>&1 |
				grep -v -e 'unsandboxed as root' -e '^Get:' -e '^Fetched' >&2 || true)
			deb=$(ls "$LB/debs/busybox-static_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
			[ -n "$deb" ] || die "apt-get download busybox-static=$ver failed"
		fi
		mkdir -p "$LB/busybox-static" && rm -rf "$bbdir.tmp" && dpkg-deb -x "$deb" "$bbdir.tmp"
		[ -x "$bbdir.tmp/bin/busybox" ] || die "$deb has no bin/busybox"
		rm -rf "$bbdir" && mv "$bbdir.tmp" "$bbdir"
	fi
fi

# --- kernel modules -----------------------------------------------------------------
[ -d "$LB/modules" ] || "$ROOT/tests/linux/fetch-kernel.sh" >/dev/null
MODS=$(cd "$LB/modules" && pwd -P)
KVER=$(basename "$MODS")

norm() {	# REPLY = module name of a path or name: no dir, no .ko[.xz], '-' -> '_'
	local n=${1##*/}
	n=${n%%.ko*}
	REPLY=${n//-/_}
}
declare -A PATH_OF DEPS_OF
if [ -s "$MODS/modules.dep" ]; then
	# Only the lines of the wanted modules and of what they need: each
	# line lists a module's whole dependency closure.
	while IFS= read -r line; do
		p=${line%%:*}
		norm "$p"
		PATH_OF[$REPLY]=$p
		DEPS_OF[$p]=${line#*:}
	done < <(awk -v want="$WANT" '
		function norm(s) { sub(/.*\//, "", s); sub(/\.ko.*/, "", s); gsub(/-/, "_", s); return s }
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) W[norm(w[i])] = 1 }
		{ p = $1; sub(/:$/, "", p) }
		NR == FNR { if (norm(p) in W) { need[p] = 1; for (i = 2; i <= NF; i++) need[$i] = 1 }; next }
		p in need' "$MODS/modules.dep" "$MODS/modules.dep")
else
	# No depmod: read "depends=" from each module's .modinfo.
	log "no modules.dep in $MODS: reading .modinfo of the modules"
	while IFS= read -r p; do norm "$p"; PATH_OF[$REPLY]=$p; done \
		< <(cd "$MODS" && find kernel -name '*.ko*')
fi
modinfo_deps() {	# dependencies of module file $1 (relative), as paths
	local d
	d=$(unpack "$MODS/$1" | tr '\0' '\n' | sed -n 's/^depends=//p' | head -n1)
	for n in ${d//,/ }; do norm "$n"; echo "${PATH_OF[$REPLY]:-}"; done
}
unpack() {	# module file to stdout, decompressed
	case $1 in
	*.xz) xz -dc "$1" ;;
	*.zst) zstd -dcq "$1" ;;
	*.gz) gzip -dc "$1" ;;
	*) cat "$1" ;;
	esac
}
deps_of() {
	if [ -s "$MODS/modules.dep" ]; then echo ${DEPS_OF[$1]}; else modinfo_deps "$1"; fi
}

ORDER=()
declare -A SEEN
visit() {	# dependencies first; modules.dep lists a module's full closure
	local p=$1 d
	[ -z "${SEEN[$p]:-}" ] || return 0
	SEEN[$p]=1
	for d in $(deps_of "$p"); do visit "$d"; done
	ORDER+=("$p")
}
for m in $WANT; do
	norm "$m"
	p=${PATH_OF[$REPLY]:-}
	if [ -n "$p" ]; then
		visit "$p"
	elif grep -q "/${REPLY//_/[-_]}\.ko" "$MODS/modules.builtin" 2>/dev/null; then
		log "$m is built into $KVER"
	else
		die "no module $m in $MODS"
	fi
done

# --- staging tree -----------------------------------------------------------------------
mkdir -p "$(dirname "$OUT")"
STAGE=$(mktemp -d "$LB/.initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
cd "$STAGE"
mkdir -p bin sbin usr/bin usr/sbin dev proc sys tmp run root etc test "lib/modules/$KVER"
cp "$BUSYBOX" bin/busybox
# One process for the ~270 applet links (perl-base is Essential in Debian).
bin/busybox --list-full | perl -nle '
	next if $_ eq "bin/busybox" || -l $_;
	if (m{^(.*)/[^/]+$}) { -d $1 or mkdir $1 or die "mkdir $1: $!" }
	symlink("/bin/busybox", $_) or die "symlink $_: $!";'
# The list is read once: grep -q leaving early would kill a pipe's writer
# with SIGPIPE, which pipefail turns into a false "no applet".
applets=$(bin/busybox --list)
for a in sh mount insmod setsid cttyhack poweroff; do
	grep -qx "$a" <<<"$applets" || die "busybox has no $a applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >etc/passwd
printf 'root:x:0:\n' >etc/group

: >"lib/modules/$KVER/modules.dep"
: >"lib/modules/$KVER/modules.load"
for p in "${ORDER[@]}"; do
	q=${p%.xz}; q=${q%.zst}; q=${q%.gz}	# busybox insmod: plain .ko
	mkdir -p "lib/modules/$KVER/$(dirname "$q")"
	unpack "$MODS/$p" >"lib/modules/$KVER/$q"
	deps=
	for d in $(deps_of "$p"); do d=${d%.xz}; d=${d%.zst}; deps+=" ${d%.gz}"; done
	echo "$q:$deps" >>"lib/modules/$KVER/modules.dep"
	echo "$q" >>"lib/modules/$KVER/modules.load"
done
# busybox modprobe consults it so that built-in modules are not an error.
if [ -f "$MODS/modules.builtin" ]; then cp "$MODS/modules.builtin" "lib/modules/$KVER/"; fi

# --remove-destination: never write through a busybox link (to /bin/busybox
# of the host).
for t in $TREES; do cp -a --remove-destination "$t/." .; done

install -m 0755 "$INIT" init
for spec in "${EXTRA[@]}"; do
	src=${spec%%=*} dst=${spec#*=}
	mkdir -p ".$(dirname "$dst")"
	cp "$src" ".$dst"
	chmod u+rw,go+r,go-w ".$dst"
done

# --- archive --------------------------------------------------------------------
newc() {	# NAME MODE RDEVMAJOR RDEVMINOR INO: one data-less newc entry
	local name=$1 ns=$((${#1} + 1)) pad
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		"$5" "$2" 0 0 1 "$EPOCH" 0 0 0 "$3" "$4" "$ns" 0 "$name"
	pad=$(((4 - (110 + ns) % 4) % 4))
	[ $pad -eq 0 ] || head -c $pad /dev/zero
}
find . -mindepth 1 -exec touch -h -d "@$EPOCH" {} +
chmod -R u+rwX,go+rX,go-w .
{
	find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet
	# Second archive in the same stream (the kernel reads them all; `cpio -t`
	# lists only the first): the console node the kernel opens before /init.
	newc dev/console $((0020000 | 0600)) 5 1 900001
	newc TRAILER!!! 0 0 0 0
} | gzip -n >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"

end=$(date +%s.%N)
log "$OUT: $(stat -c %s "$OUT") bytes, kernel $KVER, modules: $(for p in "${ORDER[@]}"; do norm "$p"; printf '%s ' "$REPLY"; done)($(awk "BEGIN { printf \"%.1f\", $end - $start }") s)"
