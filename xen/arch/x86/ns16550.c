/*
 * 16550 UART, polled in both directions: no UART interrupt is used (every
 * IO-APIC pin stays masked), so received bytes wait in the FIFO until the
 * console's poll timer collects them.  Every wait is bounded, so a missing
 * UART (reads of all-ones) never hangs the console.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <asm/io.h>

#define UART_RBR 0
#define UART_THR 0
#define UART_DLL 0
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCR 7
#define LCR_DLAB 0x80
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define UART_CLOCK_HZ 1843200

bool ns16550_present(u16 io_base)
{
	/* The scratch register holds what we write when a UART is there. */
	outb(0x5a, io_base + UART_SCR);
	if (inb(io_base + UART_SCR) != 0x5a)
		return false;
	outb(0xa5, io_base + UART_SCR);
	return inb(io_base + UART_SCR) == 0xa5;
}

void ns16550_init(const struct serial_cfg *cfg)
{
	u16 b = cfg->io_base;
	u8 lcr;

	if (!b)
		return;
	lcr = (cfg->data_bits - 5) & 3;
	if (cfg->stop_bits == 2)
		lcr |= 1 << 2;
	switch (cfg->parity) {
	case 'o': lcr |= 0x08; break;
	case 'e': lcr |= 0x18; break;
	case 'm': lcr |= 0x28; break;
	case 's': lcr |= 0x38; break;
	}
	/* Lines logged before this (the early console) may still be in the
	 * FIFO or the shift register: clearing the FIFO or changing the
	 * divisor under them loses or garbles them (Bochs sends a NUL). */
	for (int i = 0; i < 100000; i++)
		if (inb(b + UART_LSR) & LSR_TEMT)
			break;
	outb(0, b + UART_IER);			/* polled: no interrupts */
	if (cfg->baud) {
		u32 div = UART_CLOCK_HZ / 16 / cfg->baud;

		outb(LCR_DLAB, b + UART_LCR);
		outb(div & 0xff, b + UART_DLL);
		outb(div >> 8, b + UART_DLM);
	}
	outb(lcr, b + UART_LCR);
	outb(0x07, b + UART_FCR);		/* enable + clear FIFOs */
	outb(0x03, b + UART_MCR);		/* DTR | RTS */
}

void ns16550_putc(u16 io_base, char c)
{
	for (int i = 0; i < 100000; i++)
		if (inb(io_base + UART_LSR) & LSR_THRE)
			break;
	outb(c, io_base + UART_THR);
}

int ns16550_getc(u16 io_base)
{
	u8 lsr = inb(io_base + UART_LSR);

	/* All-ones: the UART went away (or never was); nothing to read. */
	if (lsr == 0xff || !(lsr & LSR_DR))
		return -1;
	return inb(io_base + UART_RBR);
}
