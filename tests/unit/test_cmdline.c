/* Host tests of the command-line parser (xen/common/cmdline.c). */
#include <string.h>
#include <xen/errno.h>
#include <xen/param.h>
#include "unit.h"

static bool opt_noreboot, opt_smt = true, opt_no_x;
static u32 opt_ncpus = 7;
static u8 opt_byte = 5;
static u64 opt_size = 42, opt_conring = 16384;
static char opt_sched[16] = "default";
static unsigned int opt_console = 99;
static struct param_com opt_com1;
static struct param_loglvl opt_loglvl;
static struct param_dom0_mem opt_dom0_mem;
static struct param_vcpu_range opt_vcpus;

static const struct param_def defs[] = {
	PARAM_DEF_BOOL("noreboot", opt_noreboot),
	PARAM_DEF_BOOL("smt", opt_smt),
	PARAM_DEF_BOOL("no-x", opt_no_x),
	PARAM_DEF_UINT("ncpus", opt_ncpus, 1, 4096),
	PARAM_DEF_UINT("byte", opt_byte, 0, 1000),	/* capped by u8 */
	PARAM_DEF_SIZE("size", opt_size, 0, UINT64_MAX),
	PARAM_DEF_SIZE("conring_size", opt_conring, 4096, 1 << 30),
	PARAM_DEF_STRING("sched", opt_sched),
	PARAM_DEF_CUSTOM("console", opt_console, param_parse_console,
			 PARAM_HELP_CONSOLE),
	PARAM_DEF_CUSTOM("com1", opt_com1, param_parse_com, PARAM_HELP_COM),
	PARAM_DEF_CUSTOM("loglvl", opt_loglvl, param_parse_loglvl,
			 PARAM_HELP_LOGLVL),
	PARAM_DEF_CUSTOM("dom0_mem", opt_dom0_mem, param_parse_dom0_mem,
			 PARAM_HELP_DOM0_MEM),
	PARAM_DEF_CUSTOM("dom0_max_vcpus", opt_vcpus,
			 param_parse_dom0_max_vcpus, PARAM_HELP_DOM0_MAX_VCPUS),
};

static int parse(const char *line)
{
	return cmdline_parse(line, defs, ARRAY_SIZE(defs));
}

static int parse_unknown(const char *line, unsigned int *unknown)
{
	return cmdline_parse_counted(line, defs, ARRAY_SIZE(defs), unknown);
}

static const struct param_com com_defaults = {
	.baud = 9600, .data_bits = 8, .parity = 'n', .stop_bits = 1,
	.io_base = 0x3f8, .irq = 4,
};

TEST(test_numbers)
{
	const char *end;
	u64 v;

	CHECK_EQ(param_parse_u64("0", &end, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(param_parse_u64("010", &end, &v), 0);
	CHECK_EQ(v, 10);	/* no octal */
	CHECK_EQ(param_parse_u64("0x3F8,", &end, &v), 0);
	CHECK_EQ(v, 0x3f8);
	CHECK_EQ(*end, ',');
	CHECK_EQ(param_parse_u64("18446744073709551615", &end, &v), 0);
	CHECK(v == UINT64_MAX);
	CHECK_EQ(param_parse_u64("18446744073709551616", &end, &v), -ERANGE);
	CHECK_EQ(param_parse_u64("0x10000000000000000", &end, &v), -ERANGE);
	CHECK_EQ(param_parse_u64("", &end, &v), -EINVAL);
	CHECK_EQ(param_parse_u64("x1", &end, &v), -EINVAL);
	CHECK_EQ(param_parse_u64("0x", &end, &v), -EINVAL);
	CHECK_EQ(param_parse_u64("-1", &end, &v), -EINVAL);
	CHECK_EQ(param_parse_u64(" 1", &end, &v), -EINVAL);
}

TEST(test_sizes)
{
	const char *end;
	u64 v;

	CHECK_EQ(param_parse_size("512", &end, &v), 0);
	CHECK_EQ(v, 512 << 10);		/* Xen: no unit means KiB */
	CHECK_EQ(param_parse_size("512B", &end, &v), 0);
	CHECK_EQ(v, 512);
	CHECK_EQ(param_parse_size("3k", &end, &v), 0);
	CHECK_EQ(v, 3 << 10);
	CHECK_EQ(param_parse_size("2M", &end, &v), 0);
	CHECK_EQ(v, 2 << 20);
	CHECK_EQ(param_parse_size("4g", &end, &v), 0);
	CHECK_EQ(v, 4ULL << 30);
	CHECK_EQ(param_parse_size("1T", &end, &v), 0);
	CHECK_EQ(v, 1ULL << 40);
	CHECK_EQ(*end, '\0');
	CHECK_EQ(param_parse_size("0x10M", &end, &v), 0);
	CHECK_EQ(v, 16 << 20);
	CHECK_EQ(param_parse_size("16777215T", &end, &v), 0);
	CHECK(v == 16777215ULL << 40);
	CHECK_EQ(param_parse_size("16777216T", &end, &v), -ERANGE);
	CHECK_EQ(param_parse_size("99999999999999999999G", &end, &v), -ERANGE);
	CHECK_EQ(param_parse_size("18014398509481984", &end, &v), -ERANGE);
	CHECK_EQ(param_parse_size("M", &end, &v), -EINVAL);
}

TEST(test_bool)
{
	static const char *const yes[] = { "1", "on", "yes", "true", "enable" };
	static const char *const no[] = { "0", "off", "no", "false", "disable" };
	unsigned int unknown;
	char line[64];

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		CHECK_EQ(param_parse_bool(yes[i]), 1);
		CHECK_EQ(param_parse_bool(no[i]), 0);
		opt_smt = false;
		snprintf(line, sizeof(line), "smt=%s", yes[i]);
		CHECK_EQ(parse(line), 0);
		CHECK_EQ(opt_smt, true);
		snprintf(line, sizeof(line), "smt=%s", no[i]);
		CHECK_EQ(parse(line), 0);
		CHECK_EQ(opt_smt, false);
	}
	CHECK_EQ(param_parse_bool("YES"), -EINVAL);
	CHECK_EQ(param_parse_bool(""), -EINVAL);

	opt_noreboot = false;
	CHECK_EQ(parse("noreboot"), 0);
	CHECK_EQ(opt_noreboot, true);

	opt_smt = true;
	CHECK_EQ(parse("no-smt"), 0);
	CHECK_EQ(opt_smt, false);
	CHECK_EQ(parse("smt"), 0);
	CHECK_EQ(opt_smt, true);
	CHECK_EQ(parse("no-smt=no"), 0);	/* Xen's double negative */
	CHECK_EQ(opt_smt, true);
	CHECK_EQ(parse("no-smt=1"), 0);
	CHECK_EQ(opt_smt, false);

	/* Bad values: counted, variable untouched. */
	CHECK_EQ(parse("smt=maybe"), 1);
	CHECK_EQ(opt_smt, false);
	CHECK_EQ(parse("smt="), 1);
	CHECK_EQ(parse("smt=yes2"), 1);
	CHECK_EQ(opt_smt, false);

	/* Only "no-" negates: "nosmt" and "noxsmt" are other names. */
	unknown = 0;
	CHECK_EQ(parse_unknown("nosmt noxsmt no_smt", &unknown), 0);
	CHECK_EQ(unknown, 3);
	CHECK_EQ(opt_smt, false);
	CHECK_EQ(parse("no-smt=maybe"), 1);
	CHECK_EQ(opt_smt, false);

	/* An option whose own name begins with "no-" is matched exactly. */
	opt_no_x = false;
	CHECK_EQ(parse("no-x"), 0);
	CHECK_EQ(opt_no_x, true);
}

TEST(test_uint)
{
	opt_ncpus = 7;
	CHECK_EQ(parse("ncpus=1"), 0);
	CHECK_EQ(opt_ncpus, 1);
	CHECK_EQ(parse("ncpus=4096"), 0);
	CHECK_EQ(opt_ncpus, 4096);
	CHECK_EQ(parse("ncpus=0x20"), 0);
	CHECK_EQ(opt_ncpus, 32);

	CHECK_EQ(parse("ncpus=0"), 1);			/* below min */
	CHECK_EQ(parse("ncpus=4097"), 1);		/* above max */
	CHECK_EQ(parse("ncpus=12abc"), 1);		/* trailing garbage */
	CHECK_EQ(parse("ncpus=abc"), 1);		/* not a number */
	CHECK_EQ(parse("ncpus=-1"), 1);
	CHECK_EQ(parse("ncpus="), 1);
	CHECK_EQ(parse("ncpus"), 1);			/* needs a value */
	CHECK_EQ(parse("no-ncpus"), 1);			/* not boolean */
	CHECK_EQ(parse("ncpus=99999999999999999999999"), 1);
	CHECK_EQ(opt_ncpus, 32);

	/* The variable's width caps the table's max. */
	CHECK_EQ(parse("byte=255"), 0);
	CHECK_EQ(opt_byte, 255);
	CHECK_EQ(parse("byte=256"), 1);
	CHECK_EQ(opt_byte, 255);
}

TEST(test_size_option)
{
	CHECK_EQ(parse("size=2M"), 0);
	CHECK_EQ(opt_size, 2 << 20);
	CHECK_EQ(parse("size=99999999999999999999G"), 1);
	CHECK_EQ(parse("size=16777216T"), 1);
	CHECK_EQ(parse("size=1Q"), 1);
	CHECK_EQ(parse("size=1MB"), 1);
	CHECK_EQ(opt_size, 2 << 20);

	CHECK_EQ(parse("conring_size=4096B"), 0);
	CHECK_EQ(opt_conring, 4096);
	CHECK_EQ(parse("conring_size=1G"), 0);
	CHECK_EQ(opt_conring, 1 << 30);
	CHECK_EQ(parse("conring_size=4095B"), 1);
	CHECK_EQ(parse("conring_size=1048577K"), 1);
	CHECK_EQ(opt_conring, 1 << 30);
}

TEST(test_string)
{
	CHECK_EQ(parse("sched=credit2"), 0);
	CHECK_EQ(strcmp(opt_sched, "credit2"), 0);
	CHECK_EQ(parse("sched=0123456789abcde"), 0);	/* 15 chars fit */
	CHECK_EQ(strcmp(opt_sched, "0123456789abcde"), 0);
	CHECK_EQ(parse("sched=0123456789abcdef"), 1);	/* 16 do not */
	CHECK_EQ(strcmp(opt_sched, "0123456789abcde"), 0);
	CHECK_EQ(parse("sched"), 1);
	CHECK_EQ(parse("sched=a=b,c"), 0);	/* only the first '=' splits */
	CHECK_EQ(strcmp(opt_sched, "a=b,c"), 0);
	CHECK_EQ(parse("sched="), 0);
	CHECK_EQ(opt_sched[0], '\0');
}

TEST(test_walker)
{
	unsigned int unknown = 99;

	CHECK_EQ(parse_unknown(NULL, &unknown), 0);
	CHECK_EQ(unknown, 0);
	CHECK_EQ(parse_unknown("", &unknown), 0);
	CHECK_EQ(parse_unknown("   \t ", &unknown), 0);
	CHECK_EQ(unknown, 0);

	opt_noreboot = false;
	opt_ncpus = 0;
	CHECK_EQ(parse_unknown("  bogus   noreboot\tfoo=bar,baz  ncpus=3 ",
			       &unknown), 0);
	CHECK_EQ(unknown, 2);
	CHECK_EQ(opt_noreboot, true);
	CHECK_EQ(opt_ncpus, 3);

	/* Errors and unknowns are counted apart; the last valid value wins. */
	CHECK_EQ(parse_unknown("ncpus=5 ncpus=x no-bogus ncpus=0 =1 =",
			       &unknown), 2);
	CHECK_EQ(unknown, 3);
	CHECK_EQ(opt_ncpus, 5);
	CHECK_EQ(parse("ncpus=6 ncpus=8"), 0);
	CHECK_EQ(opt_ncpus, 8);
	/* Names match exactly: no prefixes, no case folding. */
	CHECK_EQ(parse_unknown("ncpu=1 ncpusx=1 NCPUS=1", &unknown), 0);
	CHECK_EQ(unknown, 3);
	CHECK_EQ(opt_ncpus, 8);
}

TEST(test_long_lines)
{
	static char line[4097], tok[CMDLINE_TOKEN_MAX + 2];
	unsigned int unknown;
	size_t pos = 0;
	int i;

	/* A 4 KiB line of many options: every one is seen. */
	for (i = 0; pos + 16 < sizeof(line) - 1; i++)
		pos += snprintf(line + pos, sizeof(line) - pos,
				i % 2 ? "ncpus=%d " : "unk%d ", i);
	memset(line + pos, 'z', sizeof(line) - 1 - pos);
	line[sizeof(line) - 1] = '\0';
	CHECK_EQ(strlen(line), 4096);
	CHECK_EQ(parse_unknown(line, &unknown), 0);
	CHECK_EQ(unknown, (i + 1) / 2 + 1);
	CHECK_EQ(opt_ncpus, i % 2 ? i - 2 : i - 1);

	/* One 4 KiB token is an error, not a crash or a truncation. */
	memcpy(line, "sched=", 6);
	memset(line + 6, 'a', sizeof(line) - 7);
	CHECK_EQ(parse_unknown(line, &unknown), 1);
	CHECK_EQ(unknown, 0);

	/* The token limit exactly: 255 characters parse, 256 do not. */
	memset(tok, 'b', sizeof(tok) - 1);
	tok[CMDLINE_TOKEN_MAX] = '\0';
	CHECK_EQ(parse_unknown(tok, &unknown), 0);
	CHECK_EQ(unknown, 1);
	tok[CMDLINE_TOKEN_MAX] = 'b';
	CHECK_EQ(parse_unknown(tok, &unknown), 1);
	CHECK_EQ(unknown, 0);
}

TEST(test_console)
{
	unsigned int c = 7;

	CHECK_EQ(param_parse_console("com1", &c), 0);
	CHECK_EQ(c, PARAM_CONSOLE_COM1);
	CHECK_EQ(param_parse_console("vga,com1", &c), 0);
	CHECK_EQ(c, PARAM_CONSOLE_VGA | PARAM_CONSOLE_COM1);
	CHECK_EQ(param_parse_console("none", &c), 0);
	CHECK_EQ(c, 0);

	c = 7;
	CHECK_EQ(param_parse_console("com2", &c), -EINVAL);
	CHECK_EQ(param_parse_console("com1,", &c), -EINVAL);
	CHECK_EQ(param_parse_console(",vga", &c), -EINVAL);
	CHECK_EQ(param_parse_console("vga,,com1", &c), -EINVAL);
	CHECK_EQ(param_parse_console("com", &c), -EINVAL);
	CHECK_EQ(param_parse_console("com1x", &c), -EINVAL);
	CHECK_EQ(param_parse_console("", &c), -EINVAL);
	CHECK_EQ(c, 7);

	CHECK_EQ(parse("console=com1,vga"), 0);
	CHECK_EQ(opt_console, PARAM_CONSOLE_COM1 | PARAM_CONSOLE_VGA);
	CHECK_EQ(parse("console=serial"), 1);
	CHECK_EQ(parse("console"), 1);
	CHECK_EQ(opt_console, PARAM_CONSOLE_COM1 | PARAM_CONSOLE_VGA);
}

TEST(test_com_good)
{
	struct param_com c = com_defaults;

	CHECK_EQ(param_parse_com("115200,8n1", &c), 0);
	CHECK_EQ(c.baud, 115200);
	CHECK_EQ(c.data_bits, 8);
	CHECK_EQ(c.parity, 'n');
	CHECK_EQ(c.stop_bits, 1);
	CHECK_EQ(c.io_base, 0x3f8);		/* preset default kept */
	CHECK_EQ(c.irq, 4);

	CHECK_EQ(param_parse_com("1200/7372800,5e2,0x2f8,3", &c), 0);
	CHECK_EQ(c.baud, 1200);
	CHECK_EQ(c.base_baud, 7372800);
	CHECK_EQ(c.data_bits, 5);
	CHECK_EQ(c.parity, 'e');
	CHECK_EQ(c.stop_bits, 2);
	CHECK_EQ(c.io_base, 0x2f8);
	CHECK_EQ(c.irq, 3);

	c = com_defaults;
	CHECK_EQ(param_parse_com("auto,,,0", &c), 0);	/* empty: keep */
	CHECK_EQ(c.baud, PARAM_COM_BAUD_AUTO);
	CHECK_EQ(c.data_bits, 8);
	CHECK_EQ(c.io_base, 0x3f8);
	CHECK_EQ(c.irq, 0);				/* polling */

	c = com_defaults;
	CHECK_EQ(param_parse_com(",7o1,0xfff8,255", &c), 0);
	CHECK_EQ(c.baud, 9600);
	CHECK_EQ(c.parity, 'o');
	CHECK_EQ(c.io_base, 0xfff8);
	CHECK_EQ(c.irq, 255);
	CHECK_EQ(param_parse_com("", &c), 0);
	CHECK_EQ(param_parse_com("auto/115200,6m1", &c), 0);
	CHECK_EQ(c.base_baud, 115200);
	CHECK_EQ(c.parity, 'm');
	CHECK_EQ(param_parse_com("1200,8s1", &c), 0);
	CHECK_EQ(c.parity, 's');
}

TEST(test_com_bad)
{
	static const char *const bad[] = {
		"fast", "115200x", "1199", "115201", "0", "auto2",
		"9600/", "9600/0", "9600/268435456", "9600/x", "9600/1/2",
		"9600,9n1", "9600,4n1", "9600,8x1", "9600,8n3", "9600,8n0",
		"9600,8n", "9600,8n1x", "9600,n81",
		"9600,8n1,0", "9600,8n1,0xfff9", "9600,8n1,0x10000",
		"9600,8n1,0x3f8h", "9600,8n1,pci", "9600,8n1,amt",
		"9600,8n1,0x3f8,256", "9600,8n1,0x3f8,-1", "9600,8n1,0x3f8,msi",
		"9600,8n1,0x3f8,4,0:1.0", "baud=115200", "9600,8n1,io-base=1",
		"99999999999999999999999",
	};
	struct param_com c = com_defaults;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = param_parse_com(bad[i], &c);

		if (rc >= 0)
			fprintf(stderr, "com1=%s accepted\n", bad[i]);
		CHECK(rc < 0);
	}
	CHECK(!memcmp(&c, &com_defaults, sizeof(c)));

	CHECK_EQ(param_parse_com("9600,8n1,pci", &c), -EOPNOTSUPP);
	CHECK_EQ(param_parse_com("9600,8n1,0x3f8,msi", &c), -EOPNOTSUPP);
	CHECK_EQ(param_parse_com("9600,8n1,0x3f8,4,0:1.0", &c), -EOPNOTSUPP);
	CHECK_EQ(param_parse_com("baud=115200", &c), -EOPNOTSUPP);
	CHECK_EQ(param_parse_com("9600,8n1,io-base=1", &c), -EOPNOTSUPP);
	CHECK_EQ(param_parse_com("1199", &c), -ERANGE);
	opt_com1 = com_defaults;
	CHECK_EQ(parse("com1=57600,8n1,0x3e8,5 com1=38400,8n1,0x3f8,x"), 1);
	CHECK_EQ(opt_com1.baud, 57600);
	CHECK_EQ(opt_com1.io_base, 0x3e8);
}

TEST(test_loglvl)
{
	struct param_loglvl l = { 42, 43 };

	CHECK_EQ(param_parse_loglvl("warning", &l), 0);
	CHECK_EQ(l.lower, XENLOG_WARNING);
	CHECK_EQ(l.upper, XENLOG_WARNING);
	CHECK_EQ(param_parse_loglvl("error/debug", &l), 0);
	CHECK_EQ(l.lower, XENLOG_ERR);
	CHECK_EQ(l.upper, XENLOG_DEBUG);
	CHECK_EQ(param_parse_loglvl("none/all", &l), 0);
	CHECK_EQ(l.lower, PARAM_LOGLVL_NONE);
	CHECK_EQ(l.upper, PARAM_LOGLVL_ALL);
	CHECK_EQ(param_parse_loglvl("info/error", &l), 0);	/* raised */
	CHECK_EQ(l.lower, XENLOG_INFO);
	CHECK_EQ(l.upper, XENLOG_INFO);

	l.lower = l.upper = 42;
	CHECK_EQ(param_parse_loglvl("", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("verbose", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("warn", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("warnings", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("info/", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("/info", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("info/debug/all", &l), -EINVAL);
	CHECK_EQ(param_parse_loglvl("3", &l), -EINVAL);
	CHECK_EQ(l.lower, 42);
	CHECK_EQ(l.upper, 42);

	CHECK_EQ(parse("loglvl=all/all loglvl=bogus"), 1);
	CHECK_EQ(opt_loglvl.lower, PARAM_LOGLVL_ALL);
}

TEST(test_dom0_mem_good)
{
	struct param_dom0_mem m = { 0 };

	CHECK_EQ(param_parse_dom0_mem("1G", &m), 0);
	CHECK(m.has_amt && !m.has_min && !m.has_max);
	CHECK_EQ(m.amt.bytes, 1ULL << 30);
	CHECK(!m.amt.minus);

	memset(&m, 0, sizeof(m));
	CHECK_EQ(param_parse_dom0_mem("-512M", &m), 0);
	CHECK(m.has_amt && m.amt.minus);
	CHECK_EQ(m.amt.bytes, 512 << 20);

	memset(&m, 0, sizeof(m));
	CHECK_EQ(param_parse_dom0_mem("min:512M,max:-1G,2G+10%", &m), 0);
	CHECK(m.has_min && m.has_max && m.has_amt);
	CHECK_EQ(m.min.bytes, 512 << 20);
	CHECK(!m.min.minus);
	CHECK_EQ(m.max.bytes, 1ULL << 30);
	CHECK(m.max.minus);
	CHECK_EQ(m.amt.bytes, 2ULL << 30);
	CHECK_EQ(m.amt.percent, 10);

	memset(&m, 0, sizeof(m));
	CHECK_EQ(param_parse_dom0_mem("max:99%", &m), 0);
	CHECK(m.has_max && !m.has_amt);
	CHECK_EQ(m.max.percent, 99);
	CHECK_EQ(m.max.bytes, 0);
	CHECK_EQ(param_parse_dom0_mem("524288", &m), 0);	/* KiB */
	CHECK_EQ(m.amt.bytes, 512 << 20);
	CHECK_EQ(param_parse_dom0_mem("16777215T", &m), 0);
	CHECK(m.amt.bytes == 16777215ULL << 40);

	CHECK_EQ(parse("dom0_mem=max:4G,-256M"), 0);
	CHECK(opt_dom0_mem.has_max && opt_dom0_mem.has_amt);
	CHECK(opt_dom0_mem.amt.minus);
}

TEST(test_dom0_mem_bad)
{
	static const char *const bad[] = {
		"", ",", "1G,", ",1G", "min:", "max:", "min:,1G", "mid:1G",
		"1X", "1GB", "--1G", "-", "+10%", "1G+", "1G+10", "10%+1G",
		"100%", "1G+100%", "1G+10%%", "1G 2G", "min:1G,,2G",
		"99999999999999999999G", "16777216T", "-99999999999999999999G",
		"0x", "1G+0x64%", "1G+10%,max:1G+x%",
	};
	struct param_dom0_mem m = { .has_amt = true, .amt.bytes = 77 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = param_parse_dom0_mem(bad[i], &m);

		if (rc >= 0)
			fprintf(stderr, "dom0_mem=%s accepted\n", bad[i]);
		CHECK(rc < 0);
	}
	CHECK(m.has_amt && !m.has_min && !m.has_max);
	CHECK_EQ(m.amt.bytes, 77);
	CHECK_EQ(param_parse_dom0_mem("99999999999999999999G", &m), -ERANGE);
	CHECK_EQ(parse("dom0_mem=99999999999999999999G"), 1);
}

TEST(test_dom0_max_vcpus)
{
	static const char *const bad[] = {
		"", "-", "x", "4x", "4-x", "4--8", "8-4", "-0", "4-0", "4-8-",
		"4294967296", "1-4294967296", " 4", "4,8",
	};
	struct param_vcpu_range r = { 0, 0 };

	CHECK_EQ(param_parse_dom0_max_vcpus("4", &r), 0);
	CHECK_EQ(r.min, 4);
	CHECK_EQ(r.max, 4);
	CHECK_EQ(param_parse_dom0_max_vcpus("2-8", &r), 0);
	CHECK_EQ(r.min, 2);
	CHECK_EQ(r.max, 8);
	CHECK_EQ(param_parse_dom0_max_vcpus("3-", &r), 0);
	CHECK_EQ(r.min, 3);
	CHECK(r.max == UINT32_MAX);
	CHECK_EQ(param_parse_dom0_max_vcpus("-16", &r), 0);
	CHECK_EQ(r.min, 1);
	CHECK_EQ(r.max, 16);
	CHECK_EQ(param_parse_dom0_max_vcpus("0", &r), 0);	/* Xen: 1 */
	CHECK_EQ(r.min, 1);
	CHECK_EQ(r.max, 1);
	CHECK_EQ(param_parse_dom0_max_vcpus("0-4294967295", &r), 0);
	CHECK_EQ(r.min, 1);
	CHECK(r.max == UINT32_MAX);
	CHECK_EQ(param_parse_dom0_max_vcpus("5-5", &r), 0);

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int rc = param_parse_dom0_max_vcpus(bad[i], &r);

		if (rc >= 0)
			fprintf(stderr, "dom0_max_vcpus=%s accepted\n", bad[i]);
		CHECK(rc < 0);
	}
	CHECK_EQ(r.min, 5);
	CHECK_EQ(r.max, 5);

	CHECK_EQ(parse("dom0_max_vcpus=1-4 dom0_max_vcpus=4-1"), 1);
	CHECK_EQ(opt_vcpus.min, 1);
	CHECK_EQ(opt_vcpus.max, 4);
}

/* iommu=: Xen's boolean with force/required; the rest is refused. */
TEST(test_iommu)
{
	struct param_iommu t = { .on = true }, bad = { .on = false, .force = true };

	CHECK_EQ(param_parse_iommu("0", &t), 0);
	CHECK(!t.on && !t.force);
	CHECK_EQ(param_parse_iommu("on", &t), 0);
	CHECK(t.on && !t.force);
	CHECK_EQ(param_parse_iommu("force", &t), 0);
	CHECK(t.on && t.force);
	CHECK_EQ(param_parse_iommu("1,required", &t), 0);
	CHECK(t.on && t.force);
	CHECK_EQ(param_parse_iommu("off", &t), 0);
	CHECK(!t.on && !t.force && t.qinval);
	CHECK_EQ(param_parse_iommu("no-qinval", &t), 0);
	CHECK(t.on && !t.force && !t.qinval);
	CHECK_EQ(param_parse_iommu("force,no-qinval,qinval", &t), 0);
	CHECK(t.on && t.force && t.qinval);
	t = bad;
	CHECK_EQ(param_parse_iommu("off,force", &t), -EINVAL);
	CHECK_EQ(param_parse_iommu("no-intremap", &t), -EINVAL);
	CHECK_EQ(param_parse_iommu("verylongword", &t), -EINVAL);
	CHECK_EQ(param_parse_iommu("", &t), -EINVAL);
	CHECK(!t.on && t.force);		/* untouched on error */
}

TEST(test_dom0_iommu)
{
	struct param_dom0_iommu t = { .map_reserved = true }, u;

	CHECK_EQ(param_parse_dom0_iommu("map-reserved=0", &t), 0);
	CHECK(!t.map_reserved && !t.pv_only);
	CHECK_EQ(param_parse_dom0_iommu("map-reserved", &t), 0);
	CHECK(t.map_reserved);
	CHECK_EQ(param_parse_dom0_iommu("no-map-reserved", &t), 0);
	CHECK(!t.map_reserved);
	CHECK_EQ(param_parse_dom0_iommu("map-reserved=yes,strict", &t), 0);
	CHECK(t.map_reserved && t.pv_only);
	t.pv_only = false;
	CHECK_EQ(param_parse_dom0_iommu("no-passthrough", &t), 0);
	CHECK(t.pv_only);
	t.pv_only = false;
	CHECK_EQ(param_parse_dom0_iommu("map-inclusive=false", &t), 0);
	CHECK(t.pv_only);
	t.pv_only = false;
	CHECK_EQ(param_parse_dom0_iommu("none", &t), 0);
	CHECK(t.pv_only && t.map_reserved);
	/* Refused whole, nothing changed. */
	u = t;
	CHECK_EQ(param_parse_dom0_iommu("map-reserved=0,bogus", &t), -EINVAL);
	CHECK_EQ(param_parse_dom0_iommu("map-reserved=maybe", &t), -EINVAL);
	CHECK_EQ(param_parse_dom0_iommu("map-reserved=", &t), -EINVAL);
	CHECK_EQ(param_parse_dom0_iommu("strict=2", &t), -EINVAL);
	CHECK_EQ(param_parse_dom0_iommu("no-none", &t), -EINVAL);
	CHECK_EQ(param_parse_dom0_iommu("", &t), -EINVAL);
	CHECK(t.map_reserved == u.map_reserved && t.pv_only == u.pv_only);
}

UNIT_MAIN(test_numbers, test_sizes, test_bool, test_uint, test_size_option,
	  test_string, test_walker, test_long_lines, test_console,
	  test_com_good, test_com_bad, test_loglvl, test_dom0_mem_good,
	  test_dom0_mem_bad, test_dom0_max_vcpus, test_iommu, test_dom0_iommu)
