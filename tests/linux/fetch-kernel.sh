#!/usr/bin/env bash
# Fetch Debian bookworm's stock Linux 6.1 kernel (linux-image-6.1.0-<N>-amd64)
# for the dom0 tests, unpack it under build/linux/ and leave stable links:
#
#   build/linux/vmlinuz   -> kernel/<kver>/boot/vmlinuz-<kver>   (bzImage)
#   build/linux/vmlinux   -> kernel/<kver>/vmlinux   (the ELF inside it, with
#                            the PVH entry note; what Amphi loads as dom0)
#   build/linux/config    -> kernel/<kver>/boot/config-<kver>
#   build/linux/modules   -> kernel/<kver>/lib/modules/<kver>   (with modules.dep)
#   build/linux/version   "<kver> <package> <debian-version>"
#
# The newest ABI number N that the configured apt sources serve is chosen;
# the signed package is preferred, the -unsigned one is used if the signed
# one is not a real package there.  LINUX_KVER=6.1.0-<N>-amd64 pins a
# version.  Nothing is downloaded when that version is already unpacked.
# Prints the chosen kernel version on the last line of stdout.
#
# Root (or sudo) is needed only to run `apt-get update` when the package
# lists know no linux-image-6.1.0-*-amd64 at all, and to install kmod (for
# depmod) when it is missing.  Everything fetched stays under build/, which
# is never committed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${LINUX_BUILD:-$ROOT/build/linux}
FLAVOUR=amd64
RE="^linux-image-6\.1\.0-[0-9]+-$FLAVOUR(-unsigned)?\$"

log() { echo "fetch-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"
	elif command -v sudo >/dev/null; then sudo "$@"
	else die "need root or sudo to run: $*"
	fi
}

abi_numbers() {	# all N with a linux-image-6.1.0-N-amd64[-unsigned], newest first
	apt-cache pkgnames linux-image-6.1.0- 2>/dev/null | grep -E "$RE" |
		sed -E "s/^linux-image-6\.1\.0-([0-9]+)-.*/\1/" | sort -n -r -u
}

# The kernel unpacked by an earlier run: used when apt cannot help (offline).
current=
[ -f "$OUT/version" ] && read -r current _ <"$OUT/version" || true

# --- choose the package -----------------------------------------------------
numbers=$(abi_numbers)
if [ -z "$numbers" ]; then
	log "package lists know no linux-image-6.1.0-*-$FLAVOUR; running apt-get update"
	if ! as_root apt-get update -q >/dev/null; then
		[ -n "$current" ] && [ -e "$OUT/vmlinuz" ] &&
			{ log "apt-get update failed; keeping $current"; echo "$current"; exit 0; }
		die "apt-get update failed"
	fi
	numbers=$(abi_numbers)
fi

pkg="" ver="" kver=""
pick() {	# pick N: set pkg/ver/kver if a real package serves it
	local base="linux-image-6.1.0-$1-$FLAVOUR" line
	# One apt-cache call for both; a purely virtual name has no candidate.
	line=$(apt-cache policy "$base" "$base-unsigned" 2>/dev/null | awk -v b="$base" '
		/^[^ ]/ { sub(/:$/, ""); name = $0 }
		$1 == "Candidate:" && $2 != "(none)" { c[name] = $2 }
		END { if (b in c) print b, c[b]; else if ((b "-unsigned") in c) print b "-unsigned", c[b "-unsigned"] }')
	[ -n "$line" ] || return 1
	read -r pkg ver <<<"$line"
	kver=6.1.0-$1-$FLAVOUR
}
if [ -n "${LINUX_KVER:-}" ]; then
	n=$(echo "$LINUX_KVER" | sed -nE "s/^6\.1\.0-([0-9]+)-$FLAVOUR\$/\1/p")
	[ -n "$n" ] || die "LINUX_KVER must look like 6.1.0-<N>-$FLAVOUR"
	pick "$n" || [ "$current" = "$LINUX_KVER" ] || die "no package for $LINUX_KVER"
	kver=$LINUX_KVER
else
	for n in $numbers; do pick "$n" && break; done
fi
if [ -z "$kver" ]; then
	[ -n "$current" ] && [ -e "$OUT/vmlinuz" ] &&
		{ log "no kernel package found; keeping $current"; echo "$current"; exit 0; }
	die "no linux-image-6.1.0-*-$FLAVOUR package found (apt sources: bookworm?)"
fi

# --- download and unpack (cached) -----------------------------------------------
dest=$OUT/kernel/$kver
mkdir -p "$OUT/debs" "$OUT/kernel"
if [ -f "$dest/.unpacked" ]; then
	log "$kver already unpacked in ${dest#"$ROOT"/}"
	[ -n "$pkg" ] || read -r _ pkg ver <"$dest/.unpacked"
else
	deb=$(ls "$OUT/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$deb" ]; then
		log "downloading $pkg $ver"
		# apt-get download as root warns that _apt cannot write here: harmless.
		(cd "$OUT/debs" && apt-get download -q "$pkg=$ver" 2>&1 |
			grep -v -e 'unsandboxed as root' -e '^Get:' >&2 || true)
		deb=$(ls "$OUT/debs/${pkg}_${ver//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
		if [ -z "$deb" ]; then
			# Old package lists name versions the security archive has
			# dropped: refresh them once and choose again.
			if [ -z "${FETCH_KERNEL_UPDATED:-}" ] && as_root apt-get update -q >/dev/null; then
				log "apt-get download $pkg=$ver failed; package lists updated, retrying"
				FETCH_KERNEL_UPDATED=1 exec "$0" "$@"
			fi
			[ -n "$current" ] && [ -e "$OUT/vmlinuz" ] &&
				{ log "apt-get download $pkg=$ver failed; keeping $current"; echo "$current"; exit 0; }
			die "apt-get download $pkg=$ver failed"
		fi
	fi
	log "unpacking $(basename "$deb")"
	tmp=$OUT/kernel/.tmp-$kver
	rm -rf "$tmp"
	dpkg-deb -x "$deb" "$tmp"
	# Debian ships modules under lib/ (usr/lib/ on newer releases).
	for d in lib usr/lib; do
		[ -d "$tmp/$d/modules/$kver" ] && { [ "$d" = lib ] || ln -s usr/lib "$tmp/lib"; break; }
	done
	[ -f "$tmp/boot/vmlinuz-$kver" ] || die "$deb has no boot/vmlinuz-$kver"
	[ -d "$tmp/lib/modules/$kver" ] || die "$deb has no lib/modules/$kver"
	echo "$kver $pkg $ver" >"$tmp/.unpacked"
	rm -rf "$dest"
	mv "$tmp" "$dest"
	# Keep only this kernel: each .deb is ~70 MB, each unpacked tree ~400 MB.
	find "$OUT/debs" -name 'linux-image-*.deb' ! -name "$(basename "$deb")" -delete
	find "$OUT/kernel" -mindepth 1 -maxdepth 1 ! -name "$kver" -exec rm -rf {} +
fi

# modules.dep is made by the package's postinst (depmod), not shipped:
# make it here so tools/mkinitramfs.sh can resolve module dependencies.
moddir=$dest/lib/modules/$kver
if [ ! -s "$moddir/modules.dep" ]; then
	if ! command -v depmod >/dev/null && ! [ -x /sbin/depmod ]; then
		if dpkg-query -W -f='${Status}' kmod 2>/dev/null | grep -q "ok installed"; then :
		else
			log "installing kmod (depmod)"
			export DEBIAN_FRONTEND=noninteractive
			as_root apt-get install -y -q --no-install-recommends kmod >/dev/null ||
				log "kmod install failed; tools/mkinitramfs.sh will read module dependencies from .modinfo"
		fi
	fi
	DEPMOD=$(command -v depmod || echo /sbin/depmod)
	if [ -x "$DEPMOD" ]; then
		"$DEPMOD" -b "$dest" "$kver" || log "depmod failed; tools/mkinitramfs.sh will read .modinfo"
	fi
fi

# --- the ELF inside the bzImage ----------------------------------------------------
# Amphi boots an ELF with a XEN_ELFNOTE_PHYS32_ENTRY note; Debian's bzImage
# wraps it compressed.  Boot protocol >= 2.08: the payload starts at
# (setup_sects + 1) * 512 + payload_offset (0x248) and is payload_length
# (0x24c) bytes long.
vmlinux=$dest/vmlinux
if [ ! -s "$vmlinux" ]; then
	bz=$dest/boot/vmlinuz-$kver
	sects=$(od -An -tu1 -j $((0x1f1)) -N1 "$bz" | tr -d ' ')
	[ "$sects" != 0 ] || sects=4
	read -r poff plen < <(od -An -tu4 -j $((0x248)) -N8 "$bz")
	start=$(((sects + 1) * 512 + poff))
	magic=$(od -An -tx1 -j "$start" -N4 "$bz" | tr -d ' ')
	case $magic in
	fd377a58) dec="xz -dc --single-stream" ;;
	1f8b*) dec="gzip -dc" ;;
	28b52ffd) dec="zstd -dcq" ;;
	*) die "unknown payload compression (magic $magic) in $bz" ;;
	esac
	dd if="$bz" bs=1M iflag=skip_bytes,count_bytes skip="$start" count="$plen" \
		status=none | $dec >"$vmlinux.tmp" ||
		die "could not decompress the payload of $bz"
	[ "$(head -c4 "$vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		die "payload of $bz is not an ELF"
	mv "$vmlinux.tmp" "$vmlinux"
fi

# --- stable links ---------------------------------------------------------------
ln -sfn "kernel/$kver/vmlinux" "$OUT/vmlinux"
ln -sfn "kernel/$kver/boot/vmlinuz-$kver" "$OUT/vmlinuz"
ln -sfn "kernel/$kver/boot/config-$kver" "$OUT/config"
ln -sfn "kernel/$kver/lib/modules/$kver" "$OUT/modules"
echo "$kver $pkg $ver" >"$OUT/version"
log "kernel $kver ($pkg $ver): ${OUT#"$ROOT"/}/vmlinuz"
echo "$kver"
