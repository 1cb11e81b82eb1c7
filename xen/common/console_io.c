/*
 * console_io hypercall.  CONSOLEIO_write copies the guest buffer in
 * bounded chunks and prints it on the hypervisor console as the domain's
 * own lines.  Only the initial domain may use it: Xen answers -EPERM to
 * other domains, which is also what makes Linux's xen_raw_printk skip its
 * port-0xE9 fallback (xen-abi-map.md §A.6 step 6).  CONSOLEIO_read
 * (serial input for dom0's hvc0) arrives with the dom0 stage.
 */
#include <xen/errno.h>
#include <xen/guest_access.h>
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

#define CONSOLE_IO_MAX (64 * 1024)	/* per call; more returns early */
#define CONSOLE_IO_CHUNK 128

long do_console_io(struct vcpu *v, const u64 a[5], bool compat)
{
	u64 count = a[1], buf = a[2], done;
	char chunk[CONSOLE_IO_CHUNK];

	if (!v->domain->is_privileged)
		return -EPERM;
	switch (a[0]) {
	case CONSOLEIO_write:
		if (count > CONSOLE_IO_MAX)
			count = CONSOLE_IO_MAX;
		for (done = 0; done < count; done += sizeof(chunk)) {
			size_t n = MIN((u64)sizeof(chunk), count - done);

			if (copy_from_guest(v, chunk, buf + done, n))
				return -EFAULT;
			for (size_t i = 0; i < n; i++)
				domain_debug_putc(v->domain, chunk[i]);
		}
		return count;
	case CONSOLEIO_read:
		return 0;
	}
	return -ENOSYS;
}
