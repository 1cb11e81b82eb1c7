#!/usr/bin/env bash
# A BIOS-bootable disk image for an HVM guest, as an installed OS has one:
# an MBR partition table with one ext4 partition (from 1 MiB), GRUB for
# BIOS in the MBR and the gap before the partition, and in the partition
# /boot/vmlinuz, /boot/initrd and /boot/grub/grub.cfg:
#
#   tools/mkhvmdisk.sh OUT.img KERNEL INITRD "CMDLINE"
#
# The BIOS (SeaBIOS in an HVM guest) loads the MBR, GRUB's boot.img, which
# loads core.img from sector 1; core.img reads the ext4 file system through
# the BIOS's INT 13h, its grub.cfg, and boots the kernel with the initramfs.
# Built from Debian's grub-pc-bin (grub-mkimage and the i386-pc images) and
# e2fsprogs (mke2fs -d fills the file system from a directory), written
# straight into the image file: no loop device, no root, no grub-install.
set -euo pipefail

log() { echo "mkhvmdisk: $*" >&2; }
[ $# -eq 4 ] || { log "usage: $0 OUT.img KERNEL INITRD CMDLINE"; exit 1; }
out=$1 kernel=$2 initrd=$3 cmdline=$4
GRUB=/usr/lib/grub/i386-pc
for t in grub-mkimage mke2fs; do
	command -v "$t" >/dev/null || { log "$t is missing: make deps"; exit 1; }
done
[ -f "$GRUB/boot.img" ] || { log "$GRUB/boot.img is missing: make deps (grub-pc-bin)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The file system's contents.
mkdir -p "$tmp/root/boot/grub"
cp -L "$kernel" "$tmp/root/boot/vmlinuz"
cp -L "$initrd" "$tmp/root/boot/initrd"
cat >"$tmp/root/boot/grub/grub.cfg" <<EOF
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
menuentry "Debian's kernel" {
	echo "grub: loading the kernel"
	linux /boot/vmlinuz $cmdline
	initrd /boot/initrd
	echo "grub: booting"
}
EOF

# Sizes in 512-byte sectors: the partition starts at 1 MiB (GRUB's core
# lives in the gap) and holds the files plus 8 MiB.
files=$(du -sk "$tmp/root" | cut -f1)
part_start=2048
part_kib=$(( (files + 8192 + 1023) / 1024 * 1024 ))
part_len=$((part_kib * 2))
img=$out.tmp
rm -f "$img"
truncate -s $(( (part_start + part_len) * 512 )) "$img"
mke2fs -q -t ext4 -L amphi-hvm -d "$tmp/root" -E offset=$((part_start * 512)) \
	"$img" "${part_kib}k"

# GRUB's core: the modules that read a partition table and ext4 through
# the BIOS and boot Linux, with its prefix on partition 1.
grub-mkimage -O i386-pc -o "$tmp/core.img" -p '(hd0,msdos1)/boot/grub' \
	biosdisk part_msdos ext2 normal linux echo serial terminal configfile
core_sectors=$(( ($(stat -c %s "$tmp/core.img") + 511) / 512 ))
[ $((1 + core_sectors)) -le $part_start ] || { log "core.img does not fit before the partition"; exit 1; }
# core.img from sector 1: its first sector (diskboot) loads the rest from
# sector 2 on, as grub-mkimage sets its block list.
dd if="$tmp/core.img" of="$img" bs=512 seek=1 conv=notrunc status=none

# The MBR: boot.img's code (its defaults load core.img from sector 1 with
# the drive the BIOS passes in DL), then the partition table (offset 446:
# one entry, active, type 0x83 Linux, LBA start and length; CHS fields
# saturated as for a large disk) and the 0x55AA signature.
dd if="$GRUB/boot.img" of="$img" bs=440 count=1 conv=notrunc status=none
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $((($1 >> 8) & 255)) \
	$((($1 >> 16) & 255)) $((($1 >> 24) & 255)); }
# shellcheck disable=SC2059
printf "\\x80\\xfe\\xff\\xff\\x83\\xfe\\xff\\xff$(le32 $part_start)$(le32 $part_len)" |
	dd of="$img" bs=1 seek=446 conv=notrunc status=none
printf '\x55\xaa' | dd of="$img" bs=1 seek=510 conv=notrunc status=none
mv "$img" "$out"
log "$out: $(( (part_start + part_len) / 2048 )) MiB, GRUB (i386-pc), ext4 partition 1 with $(basename "$kernel"), append \"$cmdline\""
