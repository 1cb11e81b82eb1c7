/* Multiboot 1 and 2 constants (specifications 0.6.96 and 2.0). */
#ifndef ASM_MULTIBOOT_H
#define ASM_MULTIBOOT_H

#define MB1_HEADER_MAGIC 0x1BADB002
#define MB1_LOADER_MAGIC 0x2BADB002
#define MB1_HDR_MEMINFO (1 << 1)
#define MB1_HDR_ADDRESS (1 << 16)

#define MB2_HEADER_MAGIC 0xE85250D6
#define MB2_LOADER_MAGIC 0x36D76289
#define MB2_ARCH_I386 0
#define MB2_HDR_TAG_END 0
#define MB2_HDR_TAG_ADDRESS 2
#define MB2_HDR_TAG_ENTRY 3

#endif
