#!/usr/bin/env bash
# UEFI firmware for HVM guests: OvmfXen, built from Debian's own edk2
# source package, and cached so that only the first run builds it:
#
#   tools/mkovmf.sh        prints the path of the cached OVMF.fd
#
# Why build: Debian's `ovmf` package is built from OvmfPkgX64.dsc, which
# since edk2-stable202108 holds no Xen support (no XenPlatformPei, no
# XenBusDxe, no PV block driver); Xen's platform is OvmfPkg/OvmfXen.dsc,
# which Debian does not build.  hvmloader takes the result as its
# firmware module (xl.cfg: bios = "ovmf", bios_path_override = ...),
# copies it to the top of the guest's 4 GiB and starts it at the reset
# vector (docs/xen-toolstack.md §B.2).
#
# How: `apt-get source edk2` with deb-src entries made from this machine's
# own deb entries, in a private apt configuration (the system's sources
# are not touched); edk2's BaseTools, then `build -p OvmfPkg/OvmfXen.dsc`
# (RELEASE, GCC5 toolchain, as Debian builds its OVMF).  About two minutes
# on two cores.  The result goes to $OVMF_CACHE (default
# ${XDG_CACHE_HOME:-~/.cache}/amphi/ovmfxen), outside the source tree, in
# a directory named after the source version, with the build log.
set -euo pipefail

log() { echo "mkovmf: $*" >&2; }
CACHE=${OVMF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/amphi/ovmfxen}
for t in apt-get dpkg-source make gcc g++ nasm iasl python3; do
	command -v "$t" >/dev/null || { log "$t is missing: make deps"; exit 1; }
done

cached=$(ls "$CACHE"/*/OVMF.fd 2>/dev/null | tail -n1 || true)
if [ -n "$cached" ]; then
	echo "$cached"
	exit 0
fi

mkdir -p "$CACHE"
work=$(mktemp -d "$CACHE/work.XXXXXX")
trap 'rm -rf "$work"' EXIT

# deb-src twins of the machine's deb entries, one-line and deb822 forms.
mkdir -p "$work/apt/sources.list.d" "$work/apt/lists/partial"
sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list 2>/dev/null >"$work/apt/sources.list" || true
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] || continue
	case $f in
	*.list) sed -n 's/^deb \(.*\)/deb-src \1/p' "$f" >"$work/apt/sources.list.d/${f##*/}" ;;
	*.sources) sed 's/^Types: *deb *$/Types: deb-src/' "$f" >"$work/apt/sources.list.d/${f##*/}" ;;
	esac
done
apt_src() {
	apt-get -q -o Dir::Etc::SourceList="$work/apt/sources.list" \
		-o Dir::Etc::SourceParts="$work/apt/sources.list.d" \
		-o Dir::State::Lists="$work/apt/lists" \
		-o APT::Sandbox::User=root "$@"
}
log "fetching Debian's edk2 source package"
apt_src update >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; log "apt-get update (deb-src) failed"; exit 1; }
(cd "$work" && apt_src source --download-only edk2) >>"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; log "apt-get source edk2 failed"; exit 1; }
dsc=$(ls "$work"/edk2_*.dsc | head -n1)
version=$(basename "$dsc" .dsc)
version=${version#edk2_}
dpkg-source -q -x "$dsc" "$work/src" >>"$work/apt.log" 2>&1 ||
	{ cat "$work/apt.log" >&2; log "dpkg-source -x failed"; exit 1; }

# Debian's patch that makes the UEFI Shell refuse to run under Secure Boot
# needs a library OvmfXen.dsc does not declare (SecureBootVariableLib);
# OvmfXen has no Secure Boot, so that patch is taken back out.
p=debian/patches/Disable-the-Shell-when-SecureBoot-is-enabled.patch
if [ -f "$work/src/$p" ] && grep -qx "${p#debian/patches/}" "$work/src/debian/patches/series"; then
	(cd "$work/src" && patch -R -p1 -s <"$p")
fi

log "building OvmfXen from edk2 $version (about two minutes)"
out="$CACHE/$version"
mkdir -p "$out"
# (edksetup.sh reads variables it may not have: no `set -u` there.)
if ! (set +u && cd "$work/src" && unset WORKSPACE EDK_TOOLS_PATH CONF_PATH &&
	. ./edksetup.sh >/dev/null &&
	make -C BaseTools -j"$(nproc)" &&
	build -a X64 -t GCC5 -b RELEASE -n "$(nproc)" -p OvmfPkg/OvmfXen.dsc) \
	>"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	log "the OvmfXen build failed (log: $out/build.log)"
	exit 1
fi
cp "$work/src/Build/OvmfXen/RELEASE_GCC5/FV/OVMF.fd" "$out/OVMF.fd.tmp"
mv "$out/OVMF.fd.tmp" "$out/OVMF.fd"
log "$out/OVMF.fd: $(stat -c %s "$out/OVMF.fd") bytes"
echo "$out/OVMF.fd"
