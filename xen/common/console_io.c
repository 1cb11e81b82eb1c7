/*
 * console_io hypercall, as Xen 4.17's do_console_io().  Only the initial
 * domain may use it: Xen answers -EPERM to other domains, which is also
 * what makes Linux's xen_raw_printk skip its port-0xE9 fallback
 * (docs/xen-abi.md §A.6 step 6).
 *
 * CONSOLEIO_write: the initial domain owns the serial line with us, so
 * its bytes go out unchanged (console_serial_puts()): Linux's hvc0 on
 * dom0 is an interactive terminal.  Returns 0, as Xen.
 * CONSOLEIO_read: serial input buffered for dom0 (xen/common/console.c);
 * returns the number of bytes copied, at most count.
 *
 * Xen's handler takes cmd and count as unsigned ints: the upper halves
 * of a 64-bit caller's registers are ignored, here too.
 *
 * domain_debug_putc() is the other way out for guests: port 0xE9, from
 * any domain, collected into "(d<id>) text" log lines.
 */
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/guest_access.h>
#include <xen/hypercall.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <public/xen.h>

/* Lines, not bytes: a guest cannot interleave half-lines with others. */
void domain_debug_putc(struct domain *d, char c)
{
	unsigned long flags = spin_lock_irqsave(&d->lock);

	if (c == '\n' || d->dbg_len == sizeof(d->dbg_line) - 1) {
		d->dbg_line[d->dbg_len] = '\0';
		printk("(d%u) %s\n", d->domain_id, d->dbg_line);
		d->dbg_len = 0;
		if (c == '\n')
			goto out;
	}
	/* Keep the log one line per line: no control characters. */
	if ((u8)c >= 0x20 && (u8)c < 0x7f)
		d->dbg_line[d->dbg_len++] = c;
	else if (c == '\t')
		d->dbg_line[d->dbg_len++] = ' ';
out:
	spin_unlock_irqrestore(&d->lock, flags);
}

/*
 * Xen writes everything, preempting itself with a continuation between
 * 127-byte chunks.  We have no continuations: a call writes at most this
 * much and then returns the number written instead of 0.  Linux writes
 * far less per call (and ignores a non-negative result).
 */
#define CONSOLE_IO_MAX (64 * 1024)
#define CONSOLE_IO_CHUNK 128		/* per copy and per console lock */

static long console_io_write(struct vcpu *v, u64 buf, unsigned int count)
{
	unsigned int n = MIN(count, (unsigned int)CONSOLE_IO_MAX);
	char chunk[CONSOLE_IO_CHUNK];

	for (unsigned int done = 0; done < n; done += sizeof(chunk)) {
		size_t len = MIN((unsigned int)sizeof(chunk), n - done);

		if (copy_from_guest(v, chunk, buf + done, len))
			return -EFAULT;
		console_serial_puts(chunk, len);
	}
	return n == count ? 0 : n;
}

long do_console_io(struct vcpu *v, struct hypercall_args *args)
{
	const u64 *a = args->a;
	unsigned int cmd = (unsigned int)a[0], count = (unsigned int)a[1];
	u64 buf = a[2];

	if (!v->domain->is_privileged)
		return -EPERM;
	/* The console has a reader now: start taking serial input (a no-op
	 * once started, or when boot already did it). */
	console_init_postirq();
	switch (cmd) {
	case CONSOLEIO_write:
		return console_io_write(v, buf, count);
	case CONSOLEIO_read:
		/* The result is a count or an -errno: keep them apart. */
		if (count > INT32_MAX)
			return -E2BIG;
		return console_read_guest(v, buf, count);
	}
	return -ENOSYS;
}
