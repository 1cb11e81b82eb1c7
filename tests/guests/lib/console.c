/*
 * Console output, line-buffered: the initial domain writes through
 * console_io (CONSOLEIO_write); when that is refused (-EPERM for other
 * domains, -ENOSYS) every later line goes byte by byte to port 0xE9,
 * which the hypervisor collects into "(d<id>) text" log lines.  A fault
 * on the hypercall instruction also selects port 0xE9, so the library
 * can be tried on a bare machine (QEMU -kernel boots PVH ELFs; add
 * -debugcon stdio).
 */
#include "lib.h"

#define E9_PORT 0xe9

bool console_uses_e9;
static char line[160];
static unsigned int line_len;

void e9_write(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		outb(E9_PORT, s[i]);
}

void console_init(void)
{
	console_uses_e9 = false;
	line_len = 0;
}

void console_flush(void)
{
	long rc;

	if (!line_len)
		return;
	if (!console_uses_e9) {
		if (hypercall_insn_safe(hc_native, __HYPERVISOR_console_io,
					CONSOLEIO_write, line_len,
					(unsigned long)line, &rc) != FAULT_NONE)
			rc = -ENOSYS;
		if (rc < 0)
			console_uses_e9 = true;	/* -EPERM, -ENOSYS: fall back */
	}
	if (console_uses_e9)
		e9_write(line, line_len);
	line_len = 0;
}

static void put_char(char c)
{
	line[line_len++] = c;
	if (c == '\n' || line_len == sizeof(line))
		console_flush();
}

void puts_raw(const char *s)
{
	while (*s)
		put_char(*s++);
}

int vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	puts_raw(buf);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
