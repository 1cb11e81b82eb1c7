/*
 * Hypervisor command-line options, with Xen's option names and syntax
 * (docs/misc/xen-command-line.pandoc in Xen).
 *
 * Options are described by a table of struct param_def that the caller
 * owns (xen/common/options.c); cmdline_parse() walks the space-separated
 * tokens and stores each value through the table.  A value is checked in
 * full before its variable is written, so a bad value leaves the variable
 * at its default.  Every parser here is pure: it is also linked into the
 * host unit tests (tests/unit/test_cmdline.c).
 *
 * Numbers are decimal or 0x-prefixed hex.  Unlike Xen's simple_strtoul(),
 * a leading 0 does NOT select octal: "010" is ten.  Nobody writes octal on
 * a boot line, but people do zero-pad decimal numbers.
 *
 * Sizes follow Xen's parse_size_and_unit(): a number with an optional
 * suffix B, K, M, G or T (either case, powers of 1024).  As in Xen, a size
 * WITHOUT a suffix is in kilobytes: "dom0_mem=512" means 512 KiB; write
 * "512B" for bytes.
 */
#ifndef XEN_PARAM_H
#define XEN_PARAM_H

#include <xen/lib.h>

enum param_type {
	PARAM_BOOL,	/* var: bool; name, no-name, name=<bool> */
	PARAM_UINT,	/* var: u8/u16/u32/u64 by .size; in [min, max] */
	PARAM_SIZE,	/* var: u32/u64 bytes by .size; in [min, max] */
	PARAM_STRING,	/* var: char[.size], always NUL-terminated */
	PARAM_CUSTOM,	/* .parse(val, var); val is "" if none given */
};

struct param_def {
	const char *name;
	enum param_type type;
	void *var;
	size_t size;		/* sizeof(*var), or of the string buffer */
	u64 min, max;		/* PARAM_UINT and PARAM_SIZE only */
	/*
	 * PARAM_CUSTOM only.  Returns 0, or -EINVAL/-ERANGE/-EOPNOTSUPP
	 * with *var untouched.  It prints nothing: cmdline_parse() reports
	 * the failure using .help.
	 */
	int (*parse)(const char *val, void *var);
	const char *help;	/* allowed values, for error messages */
};

#define PARAM_DEF_BOOL(n, v) \
	{ .name = (n), .type = PARAM_BOOL, .var = &(v), .size = sizeof(v) }
#define PARAM_DEF_UINT(n, v, lo, hi) \
	{ .name = (n), .type = PARAM_UINT, .var = &(v), .size = sizeof(v), \
	  .min = (lo), .max = (hi) }
#define PARAM_DEF_SIZE(n, v, lo, hi) \
	{ .name = (n), .type = PARAM_SIZE, .var = &(v), .size = sizeof(v), \
	  .min = (lo), .max = (hi) }
#define PARAM_DEF_STRING(n, buf) \
	{ .name = (n), .type = PARAM_STRING, .var = (buf), .size = sizeof(buf) }
#define PARAM_DEF_CUSTOM(n, v, fn, h) \
	{ .name = (n), .type = PARAM_CUSTOM, .var = &(v), .size = sizeof(v), \
	  .parse = (fn), .help = (h) }

/* Longest token (name=value) accepted; longer ones are errors. */
#define CMDLINE_TOKEN_MAX 255

/*
 * Parse @cmdline (without the image name) against @defs[0..n).  Unknown
 * options are warned about and skipped; bad values are reported at
 * KERN_ERR and leave their variable untouched.  The same option given
 * twice: the last valid value wins.  Returns the number of bad values (so
 * the caller can stop with a clear message); *nr_unknown, if not NULL,
 * receives the number of unknown options.
 */
int cmdline_parse_counted(const char *cmdline, const struct param_def *defs,
			  size_t n, unsigned int *nr_unknown);
int cmdline_parse(const char *cmdline, const struct param_def *defs,
		  size_t n);

/*
 * Building blocks, exported for custom parsers elsewhere.  On success *end
 * points past the characters used; nothing is written on failure.
 */
/* yes/no/on/off/true/false/1/0/enable/disable -> 1 or 0, else -EINVAL. */
int param_parse_bool(const char *s);
/* Decimal or 0x hex, at least one digit.  -EINVAL, or -ERANGE past u64. */
int param_parse_u64(const char *s, const char **end, u64 *out);
/* Xen size syntax (see above).  -EINVAL, or -ERANGE past u64. */
int param_parse_size(const char *s, const char **end, u64 *out);

/* console=<dev>[,<dev>...]: a mask of PARAM_CONSOLE_*; "none" adds none. */
#define PARAM_CONSOLE_COM1	(1U << 0)
#define PARAM_CONSOLE_VGA	(1U << 1)
#define PARAM_HELP_CONSOLE	"comma-separated list of com1, vga, none"
int param_parse_console(const char *val, void *var /* unsigned int */);

/*
 * com1=<baud>|auto[/<base-baud>][,[DPS][,[<io-base>][,[<irq>]]]]
 * An empty field keeps the value already in the struct, so the caller
 * presets the defaults (e.g. 0x3f8, IRQ 4).  Xen's pci, amt, msi, PCI
 * coordinates and name=value forms are rejected with -EOPNOTSUPP.
 */
#define PARAM_COM_BAUD_AUTO	0	/* keep what firmware programmed */
#define PARAM_COM_BAUD_MIN	1200	/* Xen's ns16550 sanity range */
#define PARAM_COM_BAUD_MAX	115200
#define PARAM_COM_IRQ_MAX	255
struct param_com {
	unsigned int baud;	/* or PARAM_COM_BAUD_AUTO */
	unsigned int base_baud;	/* 0: default; UART clock = 16 * this */
	u8 data_bits;		/* 5..8 */
	char parity;		/* 'n', 'o', 'e', 'm' or 's' */
	u8 stop_bits;		/* 1 or 2 */
	u16 io_base;
	unsigned int irq;	/* 0: poll, no interrupt */
};
#define PARAM_HELP_COM \
	"<baud 1200-115200>|auto[/<base-baud>][,[<data 5-8><parity n|o|e|m|s>" \
	"<stop 1-2>][,[<io-base 0x1-0xfff8>][,[<irq 0-255>]]]]"
int param_parse_com(const char *val, void *var /* struct param_com */);

/*
 * loglvl=<level>[/<rate-limited level>], level none|error|warning|info|
 * debug|all.  Stored as the most verbose XENLOG_* level printed: none is
 * -1, all is XENLOG_DEBUG + 1 (debug and all print the same set, as in
 * Xen).  As in Xen, upper is raised to lower if given below it.
 */
#define PARAM_LOGLVL_NONE	(-1)
#define PARAM_LOGLVL_ALL	(XENLOG_DEBUG + 1)
struct param_loglvl {
	int lower;	/* printed always */
	int upper;	/* printed subject to rate limiting */
};
#define PARAM_HELP_LOGLVL \
	"<level>[/<rate-limited level>], level none|error|warning|info|debug|all"
int param_parse_loglvl(const char *val, void *var /* struct param_loglvl */);

/*
 * dom0_mem=[min:<amt>,][max:<amt>,][<amt>]
 * <amt> = [-](<size> | <frac>% | <size>+<frac>%), frac 0..99 percent of
 * host memory; a leading '-' means "all available memory but this much".
 * Items may come in any order; the last of each kind wins.
 */
struct param_memsize {
	u64 bytes;
	u8 percent;
	bool minus;
};
struct param_dom0_mem {
	struct param_memsize min, max, amt;
	bool has_min, has_max, has_amt;
};
#define PARAM_HELP_DOM0_MEM \
	"[min:<amt>,][max:<amt>,][<amt>], amt [-]<size>|<pct>%|<size>+<pct>%" \
	", size <n>[B|K|M|G|T] (default K), pct 0-99"
int param_parse_dom0_mem(const char *val, void *var /* struct param_dom0_mem */);

/*
 * dom0_max_vcpus=<n> | <min>- | -<max> | <min>-<max>.  Each use sets both
 * bounds: an omitted min is 1, an omitted max is UINT32_MAX (no limit).
 * As in Xen, a min of 0 means 1.  min > max is an error.
 */
struct param_vcpu_range {
	u32 min, max;
};
#define PARAM_HELP_DOM0_MAX_VCPUS "<n>|<min>-|-<max>|<min>-<max>, max >= 1"
int param_parse_dom0_max_vcpus(const char *val,
			       void *var /* struct param_vcpu_range */);

/*
 * iommu=<bool>[,force|required][,[no-]qinval] (Xen's option; its other
 * sub-options are refused): whether DMA is remapped where the platform
 * has an IOMMU (default yes); with force (or required) not to boot where
 * it cannot be; with no-qinval, VT-d invalidates through its registers
 * even where it has an invalidation queue.  Force alone implies on; off
 * with force is refused.
 */
struct param_iommu {
	bool on, force, qinval;
};
#define PARAM_HELP_IOMMU "[<bool>][,force|required][,[no-]qinval]"
int param_parse_iommu(const char *val, void *var /* struct param_iommu */);

/*
 * dom0-iommu=<list> (Xen's option): map-reserved[=<bool>] (or
 * no-map-reserved) says whether the host's reserved regions below 4 GiB
 * are in dom0's p2m 1:1, which its devices' DMA walks too (default yes,
 * as for Xen's PVH dom0).  passthrough, strict, map-inclusive (each
 * [no-]name or name=<bool>) and none only apply to a PV dom0 in Xen;
 * they are accepted and noted as ignored, since Amphi's dom0 is PVH.
 * A list whose fields are not these is refused, nothing changed.
 */
struct param_dom0_iommu {
	bool map_reserved;
	bool pv_only;		/* a PV-only field was given */
};
#define PARAM_HELP_DOM0_IOMMU \
	"[no-]map-reserved[=<bool>], passthrough, strict, map-inclusive, none"
int param_parse_dom0_iommu(const char *val,
			   void *var /* struct param_dom0_iommu */);

#endif
