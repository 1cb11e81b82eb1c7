/*
 * Console: every printk() line goes into a log ring and, if its level passes
 * loglvl=, out of the serial port.  Lines are prefixed "(XEN) " like Xen's,
 * so existing log-scraping habits carry over.  The lock is taken with
 * interrupts off; panic() breaks it so a CPU that dies holding it still gets
 * its message out.
 *
 * The initial domain shares the serial line, as in Xen 4.17: its
 * CONSOLEIO_write bytes go out raw (console_serial_puts(), no prefix and
 * no line buffering, so a shell prompt or an escape sequence arrives
 * intact), and what is typed on the line is polled from the UART into a
 * ring that its CONSOLEIO_read drains, with VIRQ_CONSOLE raised after new
 * input.  CTRL-a three times moves input to the hypervisor's debug keys
 * and back.  The ring and the switch are pure (console_rx.c).
 */
#include <xen/console.h>
#include <xen/errno.h>
#include <xen/event.h>
#include <xen/guest_access.h>
#include <xen/lib.h>
#include <xen/param.h>
#include <xen/sched.h>
#include <xen/shutdown.h>
#include <xen/spinlock.h>
#include <xen/time.h>
#include <xen/timer.h>
#include <public/xen.h>

#define LOG_RING_SIZE 32768

static char log_ring[LOG_RING_SIZE];
static size_t log_prod;			/* free-running */
static u32 log_cons;			/* XEN_SYSCTL_readconsole's clear */
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

u16 console_serial_port(void)
{
	return serial_port;
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

static unsigned long console_lock_take(void)
{
	unsigned long flags = local_irq_save();

	if (!console_lock_busted)
		spin_lock(&console_lock);
	return flags;
}

static void console_lock_drop(unsigned long flags)
{
	if (!console_lock_busted)
		spin_unlock(&console_lock);
	local_irq_restore(flags);
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
	flags = console_lock_take();
	console_write(buf, level);
	console_lock_drop(flags);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void console_ring_indices(u32 *cons, u32 *prod)
{
	unsigned long flags = console_lock_take();
	u32 p = log_prod, c = log_cons;

	console_lock_drop(flags);
	/* What the ring still holds, from the last clearing read on. */
	if (p - c > LOG_RING_SIZE)
		c = p - LOG_RING_SIZE;
	*cons = c;
	*prod = p;
}

size_t console_ring_copy(u32 from, u32 prod, char *buf, size_t len)
{
	size_t n = MIN(len, (size_t)(u32)(prod - from));

	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(u32)(from + i) % LOG_RING_SIZE];
	return n;
}

void console_ring_consume(u32 upto)
{
	unsigned long flags = console_lock_take();

	log_cons = (u32)log_prod - upto > LOG_RING_SIZE ?
		   (u32)log_prod - LOG_RING_SIZE : upto;
	console_lock_drop(flags);
}

/*
 * Like Xen (console_to_ring=0, its default) the bytes are not kept in the
 * log ring: that holds the hypervisor's own lines.  '\n' still goes out
 * as CR LF, as on Xen's "cooked" console handle.
 */
void console_serial_puts(const char *s, size_t len)
{
	unsigned long flags = console_lock_take();

	for (size_t i = 0; serial_port && i < len; i++) {
		if (s[i] == '\n')
			ns16550_putc(serial_port, '\r');
		ns16550_putc(serial_port, s[i]);
	}
	console_lock_drop(flags);
}

/* ---- serial input ------------------------------------------------------ */

/*
 * Xen polls a UART that has no interrupt about once per FIFO's worth of
 * characters (1 ms at 115200 baud).  We poll every 10 ms while the line
 * is quiet and every 1 ms for a while after something arrived: typing
 * and an emulator's UART (QEMU holds input back while the FIFO is full)
 * lose nothing, and an idle system takes 100 interrupts a second, not
 * 1000.  A burst pasted into a quiet line on real hardware can overrun
 * the 16-byte FIFO before the first fast poll; the UART interrupt is
 * the cure for that, once the IO-APIC routes one to us.
 */
#define RX_POLL_IDLE MILLISECS(10)
#define RX_POLL_BUSY MILLISECS(1)
#define RX_BUSY_FOR MILLISECS(200)
#define RX_POLL_MAX 256			/* bytes taken per poll */
#define RX_READ_CHUNK 128

static struct console_rx rx_ring;	/* rx_lock */
static DEFINE_SPINLOCK(rx_lock);	/* irqsave: the poll takes it */
/* One CONSOLEIO_read at a time, so what it peeked is still there when it
 * consumes: only readers move rx_ring.cons. */
static DEFINE_SPINLOCK(rx_read_lock);
static bool rx_started;			/* atomic exchange */
/* The poll timer's own state (CPU 0, one poll at a time). */
static struct timer rx_timer;
static struct console_switch rx_switch;
static s_time_t rx_busy_until;
static bool rx_overflowing;

static void rx_print_target(void)
{
	printk("*** Serial input to %s (type 'CTRL-%c' three times to "
	       "switch input)\n", rx_switch.to_xen ? "Xen" : "DOM0",
	       'a' + CONSOLE_SWITCH_CODE - 1);
}

/* Debug keys, for input switched to the hypervisor (Xen's keyhandler.c
 * letters where we have the function). */
static void key_help(char key);

static void key_loglvl(char key)
{
	int l = READ_ONCE(console_loglvl) + (key == '+' ? 1 : -1);

	l = MAX(PARAM_LOGLVL_NONE, MIN(PARAM_LOGLVL_ALL, l));
	WRITE_ONCE(console_loglvl, l);
	/* At the error level so the change itself always shows. */
	printk(KERN_ERR "'%c' pressed -> log level threshold now %d "
	       "(-1 none, 0 error ... 3 debug, 4 all)\n", key, l);
}

static void key_timers(char key)
{
	printk(KERN_ERR "'%c' pressed -> dumping timer queues\n", key);
	timer_dump_queues();
}

static void key_domains(char key)
{
	printk(KERN_ERR "'%c' pressed -> dumping domain info\n", key);
	dump_domains();
}

static void key_reboot(char key)
{
	printk(KERN_ERR "'%c' pressed -> rebooting machine\n", key);
	machine_restart();
}

static const struct console_key {
	char key;
	void (*fn)(char key);
	const char *desc;
} console_keys[] = {
	{ 'a', key_timers, "dump timer queues" },
	{ 'h', key_help, "show this message" },
	{ 'q', key_domains, "dump domain (and guest debug) info" },
	{ '+', key_loglvl, "increase log level threshold" },
	{ '-', key_loglvl, "decrease log level threshold" },
	{ 'R', key_reboot, "reboot machine" },
};

static void key_help(char key)
{
	printk(KERN_ERR "'%c' pressed -> showing installed handlers\n", key);
	for (unsigned int i = 0; i < ARRAY_SIZE(console_keys); i++)
		printk(KERN_ERR " key '%c' (ascii '%02x') => %s\n",
		       console_keys[i].key, console_keys[i].key,
		       console_keys[i].desc);
}

/* Unknown keys are ignored, as in Xen's handle_keypress(). */
static void key_press(char c)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(console_keys); i++)
		if (console_keys[i].key == c)
			console_keys[i].fn(c);
}

static void rx_to_dom0(char c)
{
	unsigned long flags = spin_lock_irqsave(&rx_lock);
	bool ok = console_rx_put(&rx_ring, c);
	unsigned long dropped = rx_ring.dropped;

	spin_unlock_irqrestore(&rx_lock, flags);
	/* Once per overflow, not once per character lost. */
	if (!ok && !rx_overflowing)
		printk(KERN_WARNING "console: dom0 is not reading its serial "
		       "input: ring full, dropping (%lu dropped so far)\n",
		       dropped);
	rx_overflowing = !ok;
}

/* One received byte.  Returns true if dom0 was given input. */
static bool rx_char(char c)
{
	char out[3];
	bool switched;
	unsigned int n = console_switch_feed(&rx_switch, c, out, &switched);

	if (switched)
		rx_print_target();
	for (unsigned int i = 0; i < n; i++) {
		if (rx_switch.to_xen)
			key_press(out[i]);
		else
			rx_to_dom0(out[i]);
	}
	return n && !rx_switch.to_xen;
}

/*
 * Xen's send_global_virq(VIRQ_CONSOLE) to the hardware domain, even when
 * the ring was full: a reader that missed an event gets another chance.
 */
static void rx_notify_dom0(void)
{
	struct domain *d = domain_by_id(0);

	if (!d)
		return;
	if (d->is_privileged)
		evtchn_send_virq(d, 0, VIRQ_CONSOLE);
	put_domain(d);
}

static void rx_poll(void *unused)
{
	bool to_dom0 = false;
	unsigned int n;
	s_time_t now;
	int c;

	for (n = 0; n < RX_POLL_MAX && (c = ns16550_getc(serial_port)) >= 0; n++)
		to_dom0 |= rx_char((char)c);
	if (to_dom0)
		rx_notify_dom0();
	now = NOW();
	if (n)
		rx_busy_until = now + RX_BUSY_FOR;
	set_timer(&rx_timer, now + (now < rx_busy_until ? RX_POLL_BUSY :
							 RX_POLL_IDLE));
}

void console_init_postirq(void)
{
	if (!serial_port || __atomic_exchange_n(&rx_started, true,
						__ATOMIC_ACQ_REL))
		return;
	init_timer(&rx_timer, rx_poll, NULL, 0);
	rx_print_target();
	set_timer(&rx_timer, NOW() + RX_POLL_IDLE);
}

/*
 * Xen's CONSOLEIO_read: whatever is buffered, up to @count, oldest first.
 * At most one ring's worth per call, so a steady stream of input cannot
 * keep the caller here.
 */
long console_read_guest(struct vcpu *v, u64 buf, unsigned int count)
{
	char chunk[RX_READ_CHUNK];
	size_t want = MIN((size_t)count, (size_t)CONSOLE_RX_SIZE);
	long done = 0;

	spin_lock(&rx_read_lock);
	while ((size_t)done < want) {
		unsigned long flags = spin_lock_irqsave(&rx_lock);
		size_t n = console_rx_peek(&rx_ring, chunk,
					   MIN(sizeof(chunk), want - done));

		spin_unlock_irqrestore(&rx_lock, flags);
		if (!n)
			break;
		if (copy_to_guest(v, buf + done, chunk, n)) {
			done = -EFAULT;
			break;
		}
		flags = spin_lock_irqsave(&rx_lock);
		console_rx_consume(&rx_ring, n);
		spin_unlock_irqrestore(&rx_lock, flags);
		done += n;
	}
	spin_unlock(&rx_read_lock);
	return done;
}
