/* The hypervisor console: a log ring plus the serial line. */
#ifndef XEN_CONSOLE_H
#define XEN_CONSOLE_H

#include <xen/types.h>

struct serial_cfg {
	u16 io_base;		/* 0: no UART */
	u32 baud;		/* 0: leave as the loader set it */
	u8 data_bits, stop_bits;
	char parity;		/* n o e m s */
};

void console_init_early(void);
/* Apply console= / com1= once the command line is parsed. */
void console_init_late(bool serial_on, const struct serial_cfg *cfg,
		       int loglvl);
void console_putc_raw(char c);
/* On panic: stop honouring the console lock so the last words get out. */
void console_force_unlock(void);
/* Copy the newest @len bytes of the log ring (for tests and crash dumps). */
size_t console_ring_read(char *buf, size_t len);

void ns16550_init(const struct serial_cfg *cfg);
void ns16550_putc(u16 io_base, char c);
bool ns16550_present(u16 io_base);

#endif
