#!/usr/bin/env bash
# Install the Debian packages Amphi's build, run and tests need, but only
# those that are missing (so repeated `make test` runs cost nothing).
set -euo pipefail

PKGS=(
	gcc make binutils libc6-dev		# build
	qemu-system-x86				# SVM test rig, make run
	bochs bochsbios vgabios			# VMX test rig
	grub-pc-bin grub-common xorriso mtools	# boot ISO for Bochs
	libxen-dev				# Xen 4.17 public headers (ABI)
	grub-efi-amd64-bin dosfstools fdisk e2fsprogs	# HVM guests' boot disks (BIOS, UEFI)
	nasm acpica-tools uuid-dev g++ python3-distutils	# OvmfXen (tools/mkovmf.sh)
	python3					# test log checks
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
