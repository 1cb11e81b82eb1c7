/* Port I/O. */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <xen/types.h>

static inline void outb(u8 v, u16 port)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 v, u16 port)
{
	asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u32 v, u16 port)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 mmio_read32(paddr_t pa)
{
	return *(volatile u32 *)(uintptr_t)pa;
}

static inline void mmio_write32(paddr_t pa, u32 v)
{
	*(volatile u32 *)(uintptr_t)pa = v;
}

static inline u64 mmio_read64(paddr_t pa)
{
	return *(volatile u64 *)(uintptr_t)pa;
}

static inline void mmio_write64(paddr_t pa, u64 v)
{
	*(volatile u64 *)(uintptr_t)pa = v;
}

#endif
