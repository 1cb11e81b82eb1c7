/* The C string functions the hypervisor needs (no libc here). */
#include <xen/lib.h>

/*
 * Whole quadwords first, then the tail bytes.  On CPUs with fast string
 * operations "rep stosb" would do as well, but emulators (and icount
 * benchmarks) pay per iteration, and boot clears megabytes of frame
 * records (page_alloc.c).
 */
void *memset(void *s, int c, size_t n)
{
	unsigned long q = n / 8, v = 0x0101010101010101UL * (u8)c;
	void *d = s;

	n %= 8;
	asm volatile("rep stosq\n\t"
		     "mov %[n], %%rcx\n\t"
		     "rep stosb"
		     : "+D"(d), "+c"(q)
		     : "a"(v), [n] "r"(n)
		     : "memory");
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned long q = n / 8;
	void *d = dst;

	n %= 8;
	asm volatile("rep movsq\n\t"
		     "mov %[n], %%rcx\n\t"
		     "rep movsb"
		     : "+D"(d), "+S"(src), "+c"(q)
		     : [n] "r"(n)
		     : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Saturates at ULLONG_MAX on overflow, like the C library. */
unsigned long long strtoull(const char *s, char **end, int base)
{
	unsigned long long v = 0;
	int d;

	if ((base == 0 || base == 16) && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	for (; (d = digit_value(*s)) < base; s++) {
		if (v > (~0ULL - d) / base)
			v = ~0ULL;
		else
			v = v * base + d;
	}
	if (end)
		*end = (char *)s;
	return v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
	return strtoull(s, end, base);
}
