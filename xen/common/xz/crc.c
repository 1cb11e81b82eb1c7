/*
 * The two checks the .xz decoder verifies (xz-file-format §6): CRC-32 as
 * in IEEE 802.3 and CRC-64 as in ECMA-182, both bit-reflected, initial
 * value and final XOR all ones.  Byte-at-a-time tables: the kernel payload
 * is ~60 MiB, too slow to check bit by bit under emulation.
 */
#include <xen/types.h>

#include "xz_private.h"

#define XZ_CRC32_POLY 0xEDB88320u
#define XZ_CRC64_POLY 0xC96C5795D7870F42ull

static u32 xz_crc32_table[256];
static u64 xz_crc64_table[256];
static bool xz_crc_ready;

void xz_crc_init(void)
{
	if (xz_crc_ready)
		return;
	for (unsigned int i = 0; i < 256; i++) {
		u32 c32 = i;
		u64 c64 = i;

		for (unsigned int j = 0; j < 8; j++) {
			c32 = (c32 >> 1) ^ (c32 & 1 ? XZ_CRC32_POLY : 0);
			c64 = (c64 >> 1) ^ (c64 & 1 ? XZ_CRC64_POLY : 0);
		}
		xz_crc32_table[i] = c32;
		xz_crc64_table[i] = c64;
	}
	xz_crc_ready = true;
}

u32 xz_crc32(const u8 *buf, size_t len, u32 crc)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = xz_crc32_table[(buf[i] ^ crc) & 0xff] ^ (crc >> 8);
	return ~crc;
}

u64 xz_crc64(const u8 *buf, size_t len, u64 crc)
{
	crc = ~crc;
	for (size_t i = 0; i < len; i++)
		crc = xz_crc64_table[(buf[i] ^ crc) & 0xff] ^ (crc >> 8);
	return ~crc;
}
