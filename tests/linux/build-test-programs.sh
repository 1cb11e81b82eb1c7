#!/usr/bin/env bash
# Build the programs that run inside the Linux dom0 (static, so the busybox
# initramfs needs no libc): tests/linux/*.c -> build/linux/bin/<name>.
# And the device model tests/linux/dm/*.c, linked dynamically against
# Debian's libxendevicemodel, libxenforeignmemory and libxenevtchn (the
# libraries under test are the ones QEMU uses; it runs only in the
# toolstack root of tools/mkdom0root.sh, which has them and their libc).
# Needs gcc, libc6-dev (libc.a) and libxen-dev (/usr/include/xen/sys/*.h);
# installs the missing ones like scripts/deps.sh.  Rebuilds only what is
# out of date.  Prints the built paths.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SRC=$ROOT/tests/linux
OUT=${LINUX_BUILD:-$ROOT/build/linux}/bin
CC=${CC:-gcc}
CFLAGS=${CFLAGS:--static -O2 -Wall -Wextra -Werror}

missing=()
for p in gcc libc6-dev libxen-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "build-test-programs: installing ${missing[*]}" >&2
	SUDO=
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null || { echo "build-test-programs: need root or sudo" >&2; exit 1; }
		SUDO=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	[ -n "$(apt-cache policy libxen-dev | awk '$1 == "Candidate:" && $2 != "(none)"')" ] ||
		$SUDO apt-get update -q >/dev/null
	$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$OUT"
for c in "$SRC"/*.c; do
	bin=$OUT/$(basename "$c" .c)
	if [ ! -x "$bin" ] || [ "$c" -nt "$bin" ] || [ "$0" -nt "$bin" ]; then
		# shellcheck disable=SC2086
		$CC $CFLAGS -o "$bin.tmp" "$c"
		mv "$bin.tmp" "$bin"
	fi
	echo "$bin"
done
DM_LIBS="-lxendevicemodel -lxenforeignmemory -lxenevtchn"
for c in "$SRC"/dm/*.c; do
	bin=$OUT/$(basename "$c" .c)
	# The device it serves is described in the guest's header.
	if [ ! -x "$bin" ] || [ "$c" -nt "$bin" ] || [ "$0" -nt "$bin" ] ||
	   [ "$ROOT/tests/guests/dmtest/device.h" -nt "$bin" ]; then
		# shellcheck disable=SC2086
		$CC -O2 -Wall -Wextra -Werror -o "$bin.tmp" "$c" $DM_LIBS
		mv "$bin.tmp" "$bin"
	fi
	echo "$bin"
done
