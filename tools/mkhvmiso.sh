#!/usr/bin/env bash
# A bootable CD image for an HVM guest: another unmodified OS, Debian's
# memtest86+ (a stand-alone memory tester, no Linux, no Xen support),
# started by GRUB through the BIOS's El Torito boot:
#
#   tools/mkhvmiso.sh OUT.iso
#
# The ISO 9660 image holds /boot/memtest86+x64.bin (from Debian's
# memtest86+ package, fetched once with `apt-get download` into
# $HVMISO_CACHE, default build/hvm-iso) and GRUB's grub.cfg; its El Torito
# catalogue names one no-emulation boot image, GRUB's i386-pc-eltorito
# core (cdboot.img, which reads the rest of itself through INT 13h from
# the CD's 2048-byte sectors, then the modules it was built with).  The
# BIOS (SeaBIOS in an HVM guest) finds the catalogue on the CD-ROM, loads
# that image at 0x7C00 and jumps to it; GRUB reads grub.cfg from the CD
# and boots memtest86+ with the 32-bit Linux boot protocol, with the test's
# screen copied to the first serial port (memtest86+'s console= option).
# Built from Debian's grub-pc-bin and xorriso without root or loop
# devices, like tools/mkhvmdisk.sh's disk.
set -euo pipefail

log() { echo "mkhvmiso: $*" >&2; }
[ $# -eq 1 ] || { log "usage: $0 OUT.iso"; exit 1; }
out=$1
GRUB=/usr/lib/grub/i386-pc
CACHE=${HVMISO_CACHE:-build/hvm-iso}
for t in grub-mkimage xorriso apt-get dpkg-deb; do
	command -v "$t" >/dev/null || { log "$t is missing: make deps"; exit 1; }
done
[ -f "$GRUB/cdboot.img" ] || { log "$GRUB/cdboot.img is missing: make deps (grub-pc-bin)"; exit 1; }

# memtest86+, downloaded once (apt-get's package lists refreshed once if
# they are too old to name a version the archive still has).
mkdir -p "$CACHE"
deb=$(ls "$CACHE"/memtest86+_*_amd64.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
	(cd "$CACHE" && apt-get download -q memtest86+ >/dev/null 2>&1) ||
		{ apt-get update -q >/dev/null && (cd "$CACHE" && apt-get download -q memtest86+ >/dev/null); } ||
		{ log "apt-get download memtest86+ failed"; exit 1; }
	deb=$(ls "$CACHE"/memtest86+_*_amd64.deb | head -n1)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb -x "$deb" "$tmp/pkg"
mkdir -p "$tmp/cd/boot/grub"
cp "$tmp/pkg/boot/memtest86+x64.bin" "$tmp/cd/boot/"
cat >"$tmp/cd/boot/grub/grub.cfg" <<'EOF'
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "memtest86+" {
	echo "grub: loading memtest86+ from the CD"
	linux /boot/memtest86+x64.bin console=ttyS0,115200
	echo "grub: booting memtest86+"
}
EOF
# GRUB's El Torito core with everything it needs built in, so that it
# reads no module from the CD (each read is an ATAPI command that the
# device model in dom0 answers): the CD through the BIOS, ISO 9660, the
# serial console, the menu, the Linux loader.  Its prefix is /boot/grub on
# the device it was booted from.
grub-mkimage -O i386-pc-eltorito -o "$tmp/cd/boot/grub/eltorito.img" -p /boot/grub \
	biosdisk iso9660 normal linux echo serial terminal configfile
xorriso -as mkisofs -quiet -R -V AMPHI_CD -o "$out.tmp" \
	-b boot/grub/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table \
	"$tmp/cd" 2>"$tmp/xorriso.log" || { cat "$tmp/xorriso.log" >&2; exit 1; }
mv "$out.tmp" "$out"
log "$out: $(( $(stat -c %s "$out") / 1024 )) KiB, El Torito (GRUB i386-pc), $(basename "$deb" .deb)"
