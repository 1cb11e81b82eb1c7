/*
 * vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '#' ' ' '+',
 * a width (or '*'), a precision for strings, and the l, ll, z, h
 * length modifiers.  Always NUL-terminates; returns the length it would
 * have written.
 */
#include "lib.h"

struct out {
	char *buf;
	size_t len, pos;
};

static void emit(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos] = c;
	o->pos++;
}

static void emit_num(struct out *o, u64 v, bool neg, unsigned int base,
		     bool upper, int width, bool left, char pad, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = (int)strlen(prefix) + (neg ? 1 : 0), i;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (!left && pad == ' ')
		for (i = n + plen; i < width; i++)
			emit(o, ' ');
	if (neg)
		emit(o, '-');
	while (*prefix)
		emit(o, *prefix++);
	if (!left && pad == '0')
		for (i = n + plen; i < width; i++)
			emit(o, '0');
	while (n)
		emit(o, tmp[--n]);
	/* Left-justified padding is added by the caller. */
}

int vsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = { buf, len, 0 };

	for (; *fmt; fmt++) {
		bool left = false, alt = false, upper = false, neg = false;
		char pad = ' ', sign = 0;
		int width = 0, prec = -1, lng = 0;
		size_t start;
		u64 v;

		if (*fmt != '%') {
			emit(&o, *fmt);
			continue;
		}
		for (fmt++;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				pad = '0';
			else if (*fmt == '#')
				alt = true;
			else if (*fmt == ' ' || *fmt == '+')
				sign = *fmt;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			prec = 0;
			for (fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
			if (*fmt != 'h')
				lng = 1;
			fmt++;
		}
		if (left)
			pad = ' ';
		start = o.pos;
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 s = lng ? va_arg(ap, long) : va_arg(ap, int);

			neg = s < 0;
			v = neg ? -(u64)s : (u64)s;
			emit_num(&o, v, neg, 10, false, width, left, pad,
				 neg ? "" : sign == '+' ? "+" : sign == ' ' ? " " : "");
			break;
		}
		case 'u':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			emit_num(&o, v, false, 10, false, width, left, pad, "");
			break;
		case 'X':
			upper = true;
			/* fall through */
		case 'x':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			emit_num(&o, v, false, 16, upper, width, left, pad,
				 alt ? (upper ? "0X" : "0x") : "");
			break;
		case 'o':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			emit_num(&o, v, false, 8, false, width, left, pad, alt ? "0" : "");
			break;
		case 'p':
			v = (u64)va_arg(ap, void *);
			emit_num(&o, v, false, 16, false, width, left, pad, "0x");
			break;
		case 'c':
			if (!left)
				while (--width > 0)
					emit(&o, ' ');
			emit(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n;

			if (!s)
				s = "(null)";
			n = (int)strlen(s);
			if (prec >= 0 && prec < n)
				n = prec;
			if (!left)
				for (; width > n; width--)
					emit(&o, ' ');
			while (n--)
				emit(&o, *s++);
			break;
		}
		case '%':
			emit(&o, '%');
			break;
		default:			/* unknown: print it as is */
			emit(&o, '%');
			if (*fmt)
				emit(&o, *fmt);
			else
				fmt--;
			break;
		}
		if (left)
			while ((int)(o.pos - start) < width)
				emit(&o, ' ');
	}
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
