/* The hypervisor console: a log ring plus the serial line. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

struct vcpu;

struct serial_cfg {
	u16 io_base;		/* 0: no UART */
	u32 baud;		/* 0: leave as the loader set it */
	u8 data_bits, stop_bits;
	char parity;		/* n o e m s */
};

void console_init_early(void);
/* The UART the console writes to (its 8 ports), 0 if none. */
u16 console_serial_port(void);
/* Apply console= / com1= once the command line is parsed. */
void console_init_late(bool serial_on, const struct serial_cfg *cfg,
		       int loglvl);
/*
 * Start taking serial input (Xen's console_init_postirq(): the UART is
 * polled from a timer on CPU 0) and hand it to dom0.  Idempotent.
 * Pre: CPU 0's timer queue is up.
 */
void console_init_postirq(void);
void console_putc_raw(char c);
/*
 * Bytes from the initial domain's CONSOLEIO_write: straight to the serial
 * line, no prefix, no line buffering (Xen 4.17 guest_console_write() for
 * the hardware domain), between whole hypervisor log lines.
 */
void console_serial_puts(const char *s, size_t len);
/* CONSOLEIO_read: up to @count bytes of serial input into @v's buffer at
 * @buf.  Returns the number copied, or -EFAULT (what was copied before
 * the fault is consumed, as in Xen). */
long console_read_guest(struct vcpu *v, u64 buf, unsigned int count);
/* On panic: stop honouring the console lock so the last words get out. */
void console_force_unlock(void);
/* The log ring for XEN_SYSCTL_readconsole (`xl dmesg`), as Xen's
 * read_console_ring() sees it: free-running u32 indices.  @cons is where
 * the last clearing read stopped (or the oldest byte still held). */
void console_ring_indices(u32 *cons, u32 *prod);
/* Up to @len bytes from index @from, never past @prod. */
size_t console_ring_copy(u32 from, u32 prod, char *buf, size_t len);
/* A clearing read consumed everything before @upto. */
void console_ring_consume(u32 upto);

void ns16550_init(const struct serial_cfg *cfg);
void ns16550_putc(u16 io_base, char c);
/* The next received byte, or -1 if none is waiting. */
int ns16550_getc(u16 io_base);
bool ns16550_present(u16 io_base);

/*
 * Serial input, the pure part (xen/common/console_rx.c; host-tested by
 * tests/unit/test_console_ring.c).  Callers provide the locking.
 *
 * The receive ring holds input for dom0 until CONSOLEIO_read takes it.
 * Indices run free and are masked; a full ring drops new characters and
 * counts them (Xen does the same with its 128-byte ring; ours is larger
 * because Linux's hvc falls back to slow polling while VIRQ_CONSOLE is
 * unbound).
 */
#define CONSOLE_RX_SIZE 1024		/* a power of two */

struct console_rx {
	char buf[CONSOLE_RX_SIZE];
	unsigned int prod, cons;	/* free-running */
	unsigned long dropped;		/* characters lost to a full ring */
};

void console_rx_init(struct console_rx *r);
/* Append @c; false (and counted) if the ring is full. */
bool console_rx_put(struct console_rx *r, char c);
unsigned int console_rx_used(const struct console_rx *r);
/* Copy up to @max of the oldest bytes, without consuming them. */
size_t console_rx_peek(const struct console_rx *r, char *dst, size_t max);
/* Consume @n bytes.  Pre: n <= console_rx_used(r). */
void console_rx_consume(struct console_rx *r, size_t n);

/*
 * Xen's input switch: CTRL-a typed three times in a row moves serial
 * input between the hypervisor (debug keys) and dom0.  Switch codes are
 * held back until it is clear they are not a triple, then delivered.
 */
#define CONSOLE_SWITCH_CODE 0x01	/* CTRL-a, Xen's conswitch= default */

struct console_switch {
	unsigned int held;	/* switch codes seen in a row (0-2) */
	bool to_xen;		/* input goes to the hypervisor */
};

/*
 * Feed one received character.  Fills @out with the characters now due
 * to the current target (held switch codes, then @c; at most 3) and
 * returns how many; sets *switched when @c was the third code and the
 * target changed.
 */
unsigned int console_switch_feed(struct console_switch *s, char c,
				 char out[3], bool *switched);

#endif
