/*
 * vsnprintf() for the hypervisor: %d %i %u %x %X %o %p %s %c %%, flags
 * '-' '0' ' ' '+' '#', a width (or '*'), a precision for strings, and the
 * length modifiers h hh l ll z.  Always NUL-terminates when size > 0 and
 * returns the length the full output would have had.
 */
#include <xen/lib.h>

struct out {
	char *buf;
	size_t size, pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec;
};

static void put_number(struct out *o, unsigned long long v, bool neg,
		       unsigned base, bool upper, const struct spec *sp)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;
	char sign = neg ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	/* '#': 0x prefix for non-zero hex, leading 0 for octal (C11 7.21.6.1) */
	const char *prefix = !sp->alt || !v ? "" : base == 16 ?
			     (upper ? "0X" : "0x") : base == 8 ? "0" : "";

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + (sign != 0) + strlen(prefix);
	if (!sp->left && !sp->zero)
		pad(o, ' ', sp->width - len);
	if (sign)
		put(o, sign);
	while (*prefix)
		put(o, *prefix++);
	if (!sp->left && sp->zero)
		pad(o, '0', sp->width - len);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
	int len;

	if (!s)
		s = "(null)";
	len = strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
	if (!sp->left)
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->left)
		pad(o, ' ', sp->width - len);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	memset(sp, 0, sizeof(*sp));
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f == '+')
			sp->plus = true;
		else if (*f == ' ')
			sp->space = true;
		else if (*f == '#')
			sp->alt = true;
		else
			break;
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	if (*f == '.') {
		sp->prec = 0;
		if (*++f == '*') {
			sp->prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->prec = sp->prec * 10 + (*f++ - '0');
	}
	return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap0)
{
	struct out o = { buf, size, 0 };
	struct spec sp;
	va_list ap;

	va_copy(ap, ap0);
	for (const char *f = fmt; *f; f++) {
		int lng = 0;
		unsigned long long u;
		long long s;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &ap);
		for (; *f == 'l' || *f == 'h' || *f == 'z'; f++)
			lng += *f == 'h' ? -1 : *f == 'z' ? 2 : 1;
		switch (*f) {
		case 'd':
		case 'i':
			s = lng >= 2 ? va_arg(ap, long long) :
			    lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng < 0)
				s = lng == -1 ? (short)s : (signed char)s;
			put_number(&o, s < 0 ? -(unsigned long long)s : (unsigned long long)s,
				   s < 0, 10, false, &sp);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng == 1 ? va_arg(ap, unsigned long) :
				       va_arg(ap, unsigned int);
			if (lng < 0)
				u = lng == -1 ? (unsigned short)u : (unsigned char)u;
			put_number(&o, u, false,
				   *f == 'u' ? 10 : *f == 'o' ? 8 : 16,
				   *f == 'X', &sp);
			break;
		case 'p':
			sp.zero = true;
			sp.width = 16;
			put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
				   false, &sp);
			break;
		case 's':
			put_string(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown conversion: print it verbatim */
			put(&o, '%');
			if (!*f)
				goto out;
			put(&o, *f);
		}
	}
out:
	va_end(ap);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
