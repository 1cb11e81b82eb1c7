/*
 * Console: every printk() line goes into a log ring and, if its level passes
 * loglvl=, out of the serial port.  Lines are prefixed "(XEN) " like Xen's,
 * so existing log-scraping habits carry over.  The lock is taken with
 * interrupts off; panic() breaks it so a CPU that dies holding it still gets
 * its message out.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/spinlock.h>

#define LOG_RING_SIZE 32768

static char log_ring[LOG_RING_SIZE];
static size_t log_prod;			/* free-running */
static DEFINE_SPINLOCK(console_lock);
static bool console_lock_busted;
static u16 serial_port = 0x3f8;
static int console_loglvl = XENLOG_INFO;

void console_init_early(void)
{
	struct serial_cfg cfg = { 0x3f8, 115200, 8, 1, 'n' };

	if (!ns16550_present(cfg.io_base)) {
		serial_port = 0;
		return;
	}
	ns16550_init(&cfg);
}

void console_init_late(bool serial_on, const struct serial_cfg *cfg,
		       int loglvl)
{
	console_loglvl = loglvl;
	if (!serial_on) {
		serial_port = 0;
		return;
	}
	if (cfg->io_base && ns16550_present(cfg->io_base)) {
		ns16550_init(cfg);
		serial_port = cfg->io_base;
	}
}

void console_putc_raw(char c)
{
	log_ring[log_prod++ % LOG_RING_SIZE] = c;
	if (!serial_port)
		return;
	if (c == '\n')
		ns16550_putc(serial_port, '\r');
	ns16550_putc(serial_port, c);
}

void console_force_unlock(void)
{
	console_lock_busted = true;
}

static void console_write(const char *s, int level)
{
	bool out = level <= console_loglvl;
	static bool at_line_start = true;

	for (; *s; s++) {
		if (at_line_start) {
			const char *p = "(XEN) ";

			while (*p) {
				log_ring[log_prod++ % LOG_RING_SIZE] = *p;
				if (out && serial_port)
					ns16550_putc(serial_port, *p);
				p++;
			}
		}
		if (out) {
			console_putc_raw(*s);
		} else {
			log_ring[log_prod++ % LOG_RING_SIZE] = *s;
		}
		at_line_start = *s == '\n';
	}
}

static void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int level = XENLOG_INFO;
	unsigned long flags;

	if (fmt[0] == '\001' && fmt[1] >= '0' && fmt[1] <= '9') {
		level = fmt[1] - '0';
		fmt += 2;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
	flags = local_irq_save();
	if (!console_lock_busted)
		spin_lock(&console_lock);
	console_write(buf, level);
	if (!console_lock_busted)
		spin_unlock(&console_lock);
	local_irq_restore(flags);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

size_t console_ring_read(char *buf, size_t len)
{
	size_t n = MIN(len, MIN(log_prod, (size_t)LOG_RING_SIZE));
	size_t start = log_prod - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
	return n;
}
