/*
 * Serial input for the initial domain, the pure part: the receive ring
 * CONSOLEIO_read drains and Xen's CTRL-a x3 input switch (semantics of
 * Xen 4.17's serial_rx() and do_console_io(), xen/drivers/char/console.c).
 * No locks and no hardware here; xen/common/console.c supplies both.
 */
#include <xen/console.h>
#include <xen/lib.h>

#define RX_MASK(i) ((i) & (CONSOLE_RX_SIZE - 1))

BUILD_BUG_ON(CONSOLE_RX_SIZE & (CONSOLE_RX_SIZE - 1));

void console_rx_init(struct console_rx *r)
{
	r->prod = r->cons = 0;
	r->dropped = 0;
}

unsigned int console_rx_used(const struct console_rx *r)
{
	return r->prod - r->cons;
}

bool console_rx_put(struct console_rx *r, char c)
{
	if (console_rx_used(r) == CONSOLE_RX_SIZE) {
		r->dropped++;
		return false;
	}
	r->buf[RX_MASK(r->prod++)] = c;
	return true;
}

size_t console_rx_peek(const struct console_rx *r, char *dst, size_t max)
{
	size_t n = MIN((size_t)console_rx_used(r), max);

	for (size_t i = 0; i < n; i++)
		dst[i] = r->buf[RX_MASK(r->cons + i)];
	return n;
}

void console_rx_consume(struct console_rx *r, size_t n)
{
	BUG_ON(n > console_rx_used(r));
	r->cons += n;
}

unsigned int console_switch_feed(struct console_switch *s, char c,
				 char out[3], bool *switched)
{
	unsigned int n = 0;

	*switched = false;
	if (c == CONSOLE_SWITCH_CODE) {
		if (++s->held == 3) {
			s->held = 0;
			s->to_xen = !s->to_xen;
			*switched = true;
		}
		return 0;
	}
	/* One or two codes and then something else: they were typed for
	 * whoever has the input, like the character that follows. */
	while (s->held) {
		out[n++] = CONSOLE_SWITCH_CODE;
		s->held--;
	}
	out[n++] = c;
	return n;
}
