/*
 * Small helpers every file may use.  Pure modules (those also built into
 * host unit tests) may include this header: the tests supply printk() and
 * panic() from tests/unit/shim.c.
 */
#ifndef XEN_LIB_H
#define XEN_LIB_H

#include <stdarg.h>
#include <xen/types.h>
#include <xen/string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))
#define __packed __attribute__((packed))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

/* Log levels, Xen's names (loglvl=none|error|warning|info|debug|all). */
enum {
	XENLOG_ERR = 0,
	XENLOG_WARNING = 1,
	XENLOG_INFO = 2,
	XENLOG_DEBUG = 3,
};

/* printk() logs at INFO; prefix a message with one of these to change it. */
#define KERN_ERR "\001" "0"
#define KERN_WARNING "\001" "1"
#define KERN_INFO "\001" "2"
#define KERN_DEBUG "\001" "3"

__printf(1, 2) void printk(const char *fmt, ...);
__printf(1, 2) __noreturn void panic(const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);

#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(c) do { if (unlikely(c)) panic("BUG_ON(%s) at %s:%d", \
				#c, __FILE__, __LINE__); } while (0)
#define ASSERT(c) BUG_ON(!(c))

#endif
