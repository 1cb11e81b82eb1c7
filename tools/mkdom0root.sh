#!/usr/bin/env bash
# Build dom0's root file system with Debian's Xen 4.17 toolstack, as a
# gzip'd newc cpio initramfs:
#
#   tools/mkdom0root.sh OUT.cpio.gz [FILE[=/DEST]]...
#
# Contents (docs/xen-toolstack.md §A.2): everything tools/mkinitramfs.sh
# puts in (Debian's static busybox, the kernel's modules, /dev/console),
# with /init = tools/dom0-init.sh and these Debian packages, fetched at
# build time with `apt-get download` and unpacked with `dpkg-deb -x`:
#
#   xen-utils-4.17    xl, libxl's helpers, xenstored, xenconsoled,
#                     xen-init-dom0 (in /usr/lib/xen-4.17/bin)
#   xen-utils-common  the version wrapper behind /usr/sbin/xl and the
#                     other links, /etc/xen (xl.conf, hotplug scripts)
#   xenstore-utils    xenstore-read, -write, -ls... (/usr/bin)
#   bash              /etc/xen/scripts/block and vif-bridge are bash
#   util-linux        only /usr/bin/flock (the hotplug scripts' locking.sh;
#                     busybox has no flock applet); losetup, ip, brctl,
#                     stat, logger, awk, which come from busybox
#   bsdutils          only /usr/bin/script (a terminal for xl console)
#   libgcc-s1         only libgcc_s.so.1 (dlopen()ed by glibc, see PICK)
#
# and the shared libraries their ELF files need: the closure of DT_NEEDED
# (readelf -d, honouring RUNPATH) over the library packages (Section libs)
# those packages depend on, plus each program's interpreter.  Only the
# needed .so files are copied, not the library packages; a library no
# package provides fails the build with the file that needs it.
#
# Not included: python3 (only pygrub, xen-init-list/-name and xencov_split
# are Python; xl, xenstored, xenconsoled and xen-init-dom0 are C, and the
# Python scripts are removed), udev (xl.conf's run_hotplug_scripts=1
# default makes libxl run the hotplug scripts itself; devtmpfs creates the
# device nodes), oxenstored's dependencies aside from what the C programs
# need (it is C xenstored that dom0-init.sh starts), documentation,
# xen-shim.
#
# Modules: the Xen userspace interfaces (privcmd, evtchn, gntdev, gntalloc,
# xenfs) and the backends a domU's disk and NIC need (xen-blkback over a
# loop device, xen-netback on a bridge), with their dependencies.
#
# Every .deb is kept in build/dom0root/debs/ and unpacked once into
# build/dom0root/pkgs/, so a second run downloads nothing (it asks apt only
# for the candidate versions).  Output bytes depend only on the inputs
# (tools/mkinitramfs.sh normalises timestamps and owners).
#
# With DOM0ROOT_HVM=1 the root also serves HVM guests (docs/xen-toolstack.md,
# "HVM guests"): qemu-system-xen (the device model libxl spawns,
# /usr/libexec/xen-qemu-system-i386), seabios (bios-256k.bin, which libxl
# hands hvmloader, and the VGA BIOSes QEMU loads), from qemu-system-data
# only the en-us keymap QEMU reads at start and the ROM that boots a
# kernel given with kernel=, from ipxe-qemu the e1000 and rtl8139 option
# ROMs QEMU wants for an emulated NIC, and the tun module (QEMU's side of
# an emulated NIC is a tap device that vif-bridge puts on the bridge).
#
# Environment: DOM0ROOT_BUILD (default build/dom0root), DOM0ROOT_PACKAGES
# (more whole packages, e.g. "strace" for a debug run), DOM0ROOT_HVM,
# LINUX_BUILD (see tools/mkinitramfs.sh).  Roots of different contents can
# share DOM0ROOT_BUILD's package cache: each is assembled in its own tree,
# named after the output.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${DOM0ROOT_BUILD:-$ROOT/build/dom0root}
WHOLE="xen-utils-4.17 xen-utils-common xenstore-utils bash ${DOM0ROOT_PACKAGES:-}"
# libgcc_s is not in any DT_NEEDED: glibc dlopen()s it for pthread_cancel
# and thread exit, which xl's event loop uses at the end of `xl create`
# (without it: "libgcc_s.so.1 must be installed for pthread_cancel").
# script gives a command a terminal (xl console is interactive only on one;
# the tests drive it through script).
PICK="util-linux:usr/bin/flock bsdutils:usr/bin/script
	libgcc-s1:lib/x86_64-linux-gnu/libgcc_s.so.1"
if [ "${DOM0ROOT_HVM:-0}" = 1 ]; then
	WHOLE="$WHOLE qemu-system-xen seabios"
	PICK="$PICK qemu-system-data:usr/share/qemu/keymaps/en-us
		qemu-system-data:usr/share/qemu/linuxboot.bin
		ipxe-qemu:usr/lib/ipxe/qemu/efi-e1000.rom
		ipxe-qemu:usr/lib/ipxe/qemu/efi-rtl8139.rom"
	HVM_MODULES=tun
fi
MODULES="xen-privcmd xen-evtchn xen-gntdev xen-gntalloc xenfs
	xen-blkback xen-netback bridge loop ${HVM_MODULES:-}"

log() { echo "mkdom0root: $*" >&2; }
die() { log "$*"; exit 1; }

[ $# -ge 1 ] || die "usage: $0 OUT.cpio.gz [FILE[=/DEST]]..."
case $1 in /*) OUT=$1 ;; *) OUT=$PWD/$1 ;; esac
shift
start=$(date +%s.%N)

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root or sudo to run: $*"
	fi
}
command -v readelf >/dev/null || die "readelf (binutils) is needed: make deps"

# --- which packages ------------------------------------------------------------------
declare -A VER		# package -> candidate version
candidates() {	# VER[p] for each p; apt-get update once if one is unknown
	local line p v missing=
	while read -r p v; do VER[$p]=$v; done < <(apt-cache policy "$@" 2>/dev/null | awk '
		/^[^ ]/ { sub(/:$/, ""); name = $0 }
		$1 == "Candidate:" && $2 != "(none)" { print name, $2 }')
	for p; do [ -n "${VER[$p]:-}" ] || missing+=" $p"; done
	[ -z "$missing" ] && return 0
	[ -z "${UPDATED:-}" ] || die "no package$missing in the apt sources"
	log "package lists know no$missing; running apt-get update"
	as_root apt-get update -q >/dev/null
	UPDATED=1
	candidates "$@"
}
is_lib() {	# the names among $@ whose Section is libs (or oldlibs)
	apt-cache show --no-all-versions "$@" 2>/dev/null | awk '
		$1 == "Package:" { p = $2 }
		$1 == "Section:" && ($2 ~ /(^|\/)(old)?libs$/) { print p }' | sort -u
}
depends() {	# first alternative of each Depends/PreDepends, no virtuals
	apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$@" 2>/dev/null | awk '
		$1 ~ /^\|?(Pre)?Depends:$/ && $2 !~ /^</ {
			if (!skip) print $2
			skip = ($1 ~ /^\|/)	# later alternatives of an or-group
			next }
		{ skip = 0 }' | sort -u
}

pick_pkgs=$(for s in $PICK; do echo "${s%%:*}"; done | sort -u)
# shellcheck disable=SC2086
candidates $WHOLE $pick_pkgs
declare -A LIBS
todo=$WHOLE
while [ -n "$todo" ]; do
	# shellcheck disable=SC2086
	deps=$(depends $todo)
	todo=
	new=()
	for p in $deps; do [ -n "${LIBS[$p]:-}" ] || new+=("$p"); done
	[ ${#new[@]} -gt 0 ] || break
	for p in $(is_lib "${new[@]}"); do
		LIBS[$p]=1
		todo+=" $p"
	done
done
LIBPKGS=$(printf '%s\n' "${!LIBS[@]}" | sort)
# shellcheck disable=SC2086
candidates $LIBPKGS
ALL=$(printf '%s\n' $WHOLE $pick_pkgs $LIBPKGS | sort -u)

# --- download (cached) and unpack (once) --------------------------------------------------
mkdir -p "$B/debs" "$B/pkgs"
debfile() { ls "$B/debs/${1}_${VER[$1]//:/%3a}_"*.deb 2>/dev/null | head -n1 || true; }
fetch=()
for p in $ALL; do [ -n "$(debfile "$p")" ] || fetch+=("$p=${VER[$p]}"); done
if [ ${#fetch[@]} -gt 0 ]; then
	log "downloading ${fetch[*]}"
	# As root apt warns that _apt cannot write here: harmless.
	(cd "$B/debs" && apt-get download -q "${fetch[@]}" 2>&1 |
		grep -v -e 'unsandboxed as root' -e '^Get:' -e '^Fetched' >&2 || true)
	for p in $ALL; do
		[ -n "$(debfile "$p")" ] && continue
		# Old lists may name a version the archive has dropped.
		[ -z "${DOM0ROOT_UPDATED:-}" ] && as_root apt-get update -q >/dev/null &&
			{ log "apt-get download failed; package lists updated, retrying"; DOM0ROOT_UPDATED=1 exec "$0" "$OUT" "$@"; }
		die "apt-get download $p=${VER[$p]} failed"
	done
fi
declare -A DIR		# package -> unpacked tree
for p in $ALL; do
	d=$B/pkgs/${p}_${VER[$p]//:/_}
	if [ ! -f "$d/.unpacked" ]; then
		rm -rf "$d" && dpkg-deb -x "$(debfile "$p")" "$d" && : >"$d/.unpacked"
	fi
	DIR[$p]=$d
done
# Older versions of these packages are not needed any more (the cache may
# hold other packages, for another root: they stay).
keep=$(for p in $ALL; do basename "${DIR[$p]}"; basename "$(debfile "$p")"; done)
find "$B/pkgs" "$B/debs" -mindepth 1 -maxdepth 1 | while read -r f; do
	n=$(basename "$f")
	if ! grep -qxF "$n" <<<"$keep" && grep -qxF "${n%%_*}" <<<"$ALL"; then
		rm -rf "$f"
	fi
done

# --- the tree -------------------------------------------------------------------------
T=$B/tree-$(basename "$OUT" .cpio.gz)
rm -rf "$T" && mkdir -p "$T"
for p in $WHOLE; do cp -a "${DIR[$p]}/." "$T/"; done
rm -f "$T/.unpacked"
for s in $PICK; do
	p=${s%%:*} f=${s#*:}
	[ -e "${DIR[$p]}/$f" ] || die "$p has no /$f"
	(cd "${DIR[$p]}" && cp -a --parents "$f" "$T/")
done
# xen-shim (6 MB) runs PV guests inside a PVH container: Amphi has no PV
# guests.  hvmloader stays, for the HVM stage.
rm -rf "$T"/usr/share/{doc,doc-base,man,info,lintian,bug,bash-completion,locale,menu} \
	"$T"/usr/lib/xen-4.17/lib/python "$T"/usr/lib/xen-4.17/boot/xen-shim
# Python scripts cannot run here (no python3); keep nothing that looks usable.
grep -rlsI --null -m1 '^#!.*python' "$T" | xargs -0r rm -f

# Library index: soname -> package tree holding it in a system directory.
declare -A LIBDIR
SYSDIRS="lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu lib64 lib usr/lib"
for p in $LIBPKGS; do
	for sd in $SYSDIRS; do
		[ -d "${DIR[$p]}/$sd" ] || continue
		for f in "${DIR[$p]}/$sd"/*.so*; do
			[ -e "$f" ] || [ -L "$f" ] || continue
			n=${f##*/}
			[ -n "${LIBDIR[$n]:-}" ] || LIBDIR[$n]=${DIR[$p]}
		done
	done
done

copy_in() {	# copy_in PKGTREE RELPATH: file and its symlink chain into $T; REPLY = the real file
	local src=$1 rel=$2 tgt n=0
	while :; do
		mkdir -p "$T/$(dirname "$rel")"
		cp -a --remove-destination "$src/$rel" "$T/$rel"
		[ -L "$src/$rel" ] || { REPLY=$rel; return; }
		tgt=$(readlink "$src/$rel")
		case $tgt in /*) rel=${tgt#/} ;; *) rel=$(realpath -ms --relative-to=/ "/$(dirname "$rel")/$tgt") ;; esac
		[ $((n += 1)) -lt 10 ] || die "symlink loop at $src/$rel"
	done
}
is_elf() { [ -f "$1" ] && [ ! -L "$1" ] && [ "$(head -c4 "$1" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; }

missing=()
queue=()
while IFS= read -r -d '' f; do is_elf "$f" && queue+=("${f#"$T"/}"); done \
	< <(find "$T" -type f -print0 | sort -z)
declare -A DONE
nlibs=0
while [ ${#queue[@]} -gt 0 ]; do
	rel=${queue[0]}
	queue=("${queue[@]:1}")
	[ -z "${DONE[$rel]:-}" ] || continue
	DONE[$rel]=1
	dyn=$(readelf -dW "$T/$rel" 2>/dev/null || true)
	interp=$(readelf -lW "$T/$rel" 2>/dev/null | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
	search=$(sed -n 's/.*(\(RUNPATH\|RPATH\)).*\[\(.*\)\]/\2/p' <<<"$dyn" | tr ':' ' ')
	search=${search//\$ORIGIN//$(dirname "$rel")}
	for need in $(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dyn") ${interp:+"$interp"}; do
		found=
		if [ "${need:0:1}" = / ]; then
			[ -e "$T$need" ] && found=1
			name=${need##*/} wanted=${need#/}
		else
			for sd in $search $SYSDIRS; do
				[ -e "$T/${sd#/}/$need" ] && { found=1; break; }
			done
			name=$need wanted=
		fi
		[ -n "$found" ] && continue
		src=${LIBDIR[$name]:-}
		if [ -z "$src" ]; then
			missing+=("/$rel needs $need")
			continue
		fi
		if [ -z "$wanted" ]; then
			for sd in $SYSDIRS; do
				[ -e "$src/$sd/$name" ] || [ -L "$src/$sd/$name" ] && { wanted=$sd/$name; break; }
			done
		fi
		[ -e "$src/$wanted" ] || [ -L "$src/$wanted" ] || { missing+=("/$rel needs $need"); continue; }
		copy_in "$src" "$wanted"
		queue+=("$REPLY")
		nlibs=$((nlibs + 1))
	done
done
if [ ${#missing[@]} -gt 0 ]; then
	log "missing shared libraries (no package among: $(echo $LIBPKGS) provides them):"
	printf '  %s\n' "${missing[@]}" | sort -u >&2
	die "add the package that ships them to the dependency walk"
fi

# --- configuration the daemons and xl need ---------------------------------------------
mkdir -p "$T"/var/lib/xen "$T"/var/lib/xenstored "$T"/var/log/xen \
	"$T"/run/xen "$T"/run/xenstored "$T"/run/lock
ln -sfn /run "$T/var/run"
ln -sfn /run/lock "$T/var/lock"	# xl's lockfile is /var/lock/xl
chmod 700 "$T/run/xen"
# xl.conf stays Debian's: with autoballoon="auto" xl finds dom0_mem= in
# the hypervisor's command line (XENVER_commandline) and leaves dom0's
# size alone, as on Xen.
[ -f "$T/etc/xen/xl.conf" ] || die "xen-utils-common has no /etc/xen/xl.conf"
[ -x "$T/usr/lib/xen-4.17/bin/xenstored" ] || die "xen-utils-4.17 has no bin/xenstored"

INITRAMFS_TREES=$T INITRAMFS_MODULES=$MODULES \
	"$ROOT/tools/mkinitramfs.sh" "$OUT" "$ROOT/tools/dom0-init.sh" "$@"
end=$(date +%s.%N)
log "$OUT: packages $(echo $WHOLE) + flock + $nlibs shared libraries ($(awk "BEGIN { printf \"%.1f\", $end - $start }") s)"
