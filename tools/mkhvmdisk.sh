#!/usr/bin/env bash
# A bootable disk image for an HVM guest, as an installed OS has one:
#
#   tools/mkhvmdisk.sh [--efi] OUT.img KERNEL INITRD "CMDLINE"
#
# BIOS (the default): an MBR partition table with one ext4 partition (from
# 1 MiB), GRUB for BIOS in the MBR and the gap before the partition, and in
# the partition /boot/vmlinuz, /boot/initrd and /boot/grub/grub.cfg.  The
# BIOS (SeaBIOS in an HVM guest) loads the MBR, GRUB's boot.img, which
# loads core.img from sector 1; core.img reads the ext4 file system through
# the BIOS's INT 13h, its grub.cfg, and boots the kernel with the initramfs.
#
# --efi: a GPT with one EFI system partition (FAT) holding the same /boot
# and GRUB for UEFI as the removable-media boot loader
# /EFI/BOOT/BOOTX64.EFI, which UEFI firmware (OVMF in an HVM guest) runs
# when no boot entry names another; GRUB reads grub.cfg from the partition
# it was loaded from and boots the kernel.
#
# Built from Debian's grub-pc-bin or grub-efi-amd64-bin (grub-mkimage and
# the platform's modules), e2fsprogs (mke2fs -d fills the file system from
# a directory), dosfstools and mtools (a FAT file system made and filled
# in a file) and util-linux's sfdisk, written straight into the image
# file: no loop device, no root, no grub-install.
set -euo pipefail

log() { echo "mkhvmdisk: $*" >&2; }
efi=0
[ "${1:-}" = --efi ] && { efi=1; shift; }
[ $# -eq 4 ] || { log "usage: $0 [--efi] OUT.img KERNEL INITRD CMDLINE"; exit 1; }
out=$1 kernel=$2 initrd=$3 cmdline=$4
if [ $efi = 1 ]; then
	GRUB=/usr/lib/grub/x86_64-efi tools=(grub-mkimage mkfs.fat mcopy sfdisk)
	need=$GRUB/linux.mod pkg=grub-efi-amd64-bin
else
	GRUB=/usr/lib/grub/i386-pc tools=(grub-mkimage mke2fs)
	need=$GRUB/boot.img pkg=grub-pc-bin
fi
for t in "${tools[@]}"; do
	command -v "$t" >/dev/null || { log "$t is missing: make deps"; exit 1; }
done
[ -f "$need" ] || { log "$need is missing: make deps ($pkg)"; exit 1; }

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

# GRUB for UEFI as one PE image with its modules built in; its prefix has
# no device, so GRUB reads it from the partition it was loaded from.
if [ $efi = 1 ]; then
	mkdir -p "$tmp/root/EFI/BOOT"
	grub-mkimage -O x86_64-efi -o "$tmp/root/EFI/BOOT/BOOTX64.EFI" -p /boot/grub \
		part_gpt fat normal linux echo serial terminal configfile
fi

# Sizes in 512-byte sectors: the partition starts at 1 MiB (GRUB's BIOS
# core lives in the gap; a GPT needs the first 34 sectors) and holds the
# files plus 8 MiB.
files=$(du -sk "$tmp/root" | cut -f1)
part_start=2048
part_kib=$(( (files + 8192 + 1023) / 1024 * 1024 ))
part_len=$((part_kib * 2))
img=$out.tmp
rm -f "$img"

if [ $efi = 1 ]; then
	# The FAT file system in a file of its own, then copied in at 1 MiB;
	# the GPT's backup header takes the last 33 sectors.
	mkfs.fat -C -n AMPHI-ESP "$tmp/esp.img" "$part_kib" >/dev/null
	mcopy -s -i "$tmp/esp.img" "$tmp/root/EFI" "$tmp/root/boot" ::/
	truncate -s $(( (part_start + part_len + 33) * 512 )) "$img"
	sfdisk -q "$img" <<-EOF
	label: gpt
	start=$part_start, size=$part_len, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system"
	EOF
	dd if="$tmp/esp.img" of="$img" bs=512 seek=$part_start conv=notrunc status=none
	mv "$img" "$out"
	log "$out: $(( (part_start + part_len + 33) / 2048 )) MiB, GPT, EFI system partition 1 with GRUB (x86_64-efi) and $(basename "$kernel"), append \"$cmdline\""
	exit 0
fi

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
