/*
 * vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '#' ' ' '+',
 * a width (or '*'), a precision for strings, and the l, ll, z, h length
 * modifiers.  Always NUL-terminates; returns the length it would have
 * written.
 */
#include "lib.h"

struct out {
	char *buf;
	size_t len, pos;
};

struct spec {
	bool left, alt, lng;
	char pad, sign, conv;
	int width, prec;
};

static void emit(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

/* Digits of v with sign/prefix; right-justified padding (zeros after the
 * prefix, spaces before it).  Left-justified padding is the caller's. */
static void emit_num(struct out *o, const struct spec *s, u64 v, bool neg,
		     unsigned int base, const char *prefix)
{
	const char *digits = s->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = (int)strlen(prefix) + (neg ? 1 : 0), i;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (!s->left && s->pad == ' ')
		for (i = n + plen; i < s->width; i++)
			emit(o, ' ');
	if (neg)
		emit(o, '-');
	while (*prefix)
		emit(o, *prefix++);
	if (!s->left && s->pad == '0')
		for (i = n + plen; i < s->width; i++)
			emit(o, '0');
	while (n)
		emit(o, tmp[--n]);
}

static void emit_str(struct out *o, const struct spec *s, const char *str)
{
	int n, w = s->width;

	if (!str)
		str = "(null)";
	n = (int)strlen(str);
	if (s->prec >= 0 && s->prec < n)
		n = s->prec;
	if (!s->left)
		for (; w > n; w--)
			emit(o, ' ');
	while (n--)
		emit(o, *str++);
}

/* Parse flags, width, precision and length at *fmt (after the '%'). */
static const char *parse_spec(const char *fmt, struct spec *s, va_list *ap)
{
	*s = (struct spec){ .pad = ' ', .prec = -1 };
	for (;; fmt++) {
		if (*fmt == '-')
			s->left = true;
		else if (*fmt == '0')
			s->pad = '0';
		else if (*fmt == '#')
			s->alt = true;
		else if (*fmt == ' ' || *fmt == '+')
			s->sign = *fmt;
		else
			break;
	}
	if (*fmt == '*') {
		s->width = va_arg(*ap, int);
		fmt++;
	}
	while (*fmt >= '0' && *fmt <= '9')
		s->width = s->width * 10 + (*fmt++ - '0');
	if (*fmt == '.')
		for (s->prec = 0, fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
			s->prec = s->prec * 10 + (*fmt - '0');
	for (; *fmt == 'l' || *fmt == 'z' || *fmt == 'h'; fmt++)
		s->lng |= *fmt != 'h';
	if (s->left)
		s->pad = ' ';
	s->conv = *fmt;
	return fmt;
}

static u64 get_unsigned(const struct spec *s, va_list *ap)
{
	return s->lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
}

static void emit_conv(struct out *o, const struct spec *s, va_list *ap)
{
	s64 sv;

	switch (s->conv) {
	case 'd':
	case 'i':
		sv = s->lng ? va_arg(*ap, long) : va_arg(*ap, int);
		emit_num(o, s, sv < 0 ? -(u64)sv : (u64)sv, sv < 0, 10,
			 sv < 0 ? "" : s->sign == '+' ? "+" : s->sign == ' ' ? " " : "");
		break;
	case 'u':
		emit_num(o, s, get_unsigned(s, ap), false, 10, "");
		break;
	case 'x':
	case 'X':
		emit_num(o, s, get_unsigned(s, ap), false, 16,
			 !s->alt ? "" : s->conv == 'X' ? "0X" : "0x");
		break;
	case 'o':
		emit_num(o, s, get_unsigned(s, ap), false, 8, s->alt ? "0" : "");
		break;
	case 'p':
		emit_num(o, s, (u64)va_arg(*ap, void *), false, 16, "0x");
		break;
	case 'c':
		for (int w = s->width; !s->left && w > 1; w--)
			emit(o, ' ');
		emit(o, (char)va_arg(*ap, int));
		break;
	case 's':
		emit_str(o, s, va_arg(*ap, const char *));
		break;
	case '%':
		emit(o, '%');
		break;
	default:			/* unknown: print it as it was */
		emit(o, '%');
		emit(o, s->conv);
		break;
	}
}

int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = { buf, len, 0 };
	struct spec s;
	va_list aq;
	size_t start;

	va_copy(aq, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &s, &aq);
		if (!*fmt)
			break;
		start = o.pos;
		emit_conv(&o, &s, &aq);
		if (s.left)
			while ((int)(o.pos - start) < s.width)
				emit(&o, ' ');
	}
	va_end(aq);
	if (o.len)
		o.buf[o.pos < o.len ? o.pos : o.len - 1] = 0;
	return (int)o.pos;
}

int snprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
