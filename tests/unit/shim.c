/* Host stand-ins for the hypervisor's printk() and panic(), so pure modules
 * link unchanged into unit tests.  panic() aborts: a test that reaches it
 * fails loudly under the sanitizers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void printk(const char *fmt, ...)
{
	va_list ap;

	if (getenv("UNIT_QUIET"))
		return;
	/* Skip a KERN_* level prefix. */
	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "panic: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	abort();
}
