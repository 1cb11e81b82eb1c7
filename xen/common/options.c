/*
 * The option table.  Names and meanings are Xen's (docs/misc/xen-command-
 * line.pandoc) so existing GRUB entries work: console=, com1=, loglvl=,
 * noreboot, dom0_mem=, dom0_max_vcpus=, sched=, maxcpus=.  Unknown options
 * are reported and ignored (a Xen entry may carry options we do not have);
 * a bad value for an option we do have stops the boot, because running
 * with a setting the user did not ask for is worse than not running.
 */
#include <xen/console.h>
#include <xen/lib.h>
#include <xen/options.h>
#include <xen/shutdown.h>

unsigned int opt_console = PARAM_CONSOLE_COM1;
struct param_com opt_com1 = {
	.baud = 115200, .data_bits = 8, .parity = 'n', .stop_bits = 1,
	.io_base = 0x3f8, .irq = 4,
};
struct param_loglvl opt_loglvl = { XENLOG_INFO, XENLOG_INFO };
struct param_dom0_mem opt_dom0_mem;
struct param_vcpu_range opt_dom0_max_vcpus = { 1, UINT32_MAX };
char opt_sched[16] = "credit";
unsigned int opt_max_cpus = 64;
char opt_selftest[16];
bool opt_selftest_preempt;
unsigned int opt_stall_dump;
struct param_iommu opt_iommu = { .on = true, .qinval = true };
struct param_dom0_iommu opt_dom0_iommu = { .map_reserved = true };

/* Scheduling policies this build has (sched=). */
static const char *const sched_names[] = { "credit" };

static const struct param_def option_table[] = {
	PARAM_DEF_CUSTOM("console", opt_console, param_parse_console,
			 PARAM_HELP_CONSOLE),
	PARAM_DEF_CUSTOM("com1", opt_com1, param_parse_com, PARAM_HELP_COM),
	PARAM_DEF_CUSTOM("loglvl", opt_loglvl, param_parse_loglvl,
			 PARAM_HELP_LOGLVL),
	PARAM_DEF_BOOL("noreboot", opt_noreboot),
	PARAM_DEF_CUSTOM("dom0_mem", opt_dom0_mem, param_parse_dom0_mem,
			 PARAM_HELP_DOM0_MEM),
	PARAM_DEF_CUSTOM("dom0_max_vcpus", opt_dom0_max_vcpus,
			 param_parse_dom0_max_vcpus, PARAM_HELP_DOM0_MAX_VCPUS),
	PARAM_DEF_STRING("sched", opt_sched),
	PARAM_DEF_UINT("maxcpus", opt_max_cpus, 1, 64),
	PARAM_DEF_STRING("selftest", opt_selftest),
	PARAM_DEF_UINT("stall_dump", opt_stall_dump, 0, 3600),
	PARAM_DEF_CUSTOM("iommu", opt_iommu, param_parse_iommu,
			 PARAM_HELP_IOMMU),
	PARAM_DEF_CUSTOM("dom0-iommu", opt_dom0_iommu, param_parse_dom0_iommu,
			 PARAM_HELP_DOM0_IOMMU),
};

static bool sched_name_known(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(sched_names); i++)
		if (!strcmp(name, sched_names[i]))
			return true;
	return false;
}

void options_parse(const char *cmdline)
{
	int errors = cmdline_parse(cmdline, option_table, ARRAY_SIZE(option_table));
	struct serial_cfg cfg = {
		.io_base = opt_com1.io_base, .baud = opt_com1.baud,
		.data_bits = opt_com1.data_bits, .stop_bits = opt_com1.stop_bits,
		.parity = opt_com1.parity,
	};

	console_init_late(opt_console & PARAM_CONSOLE_COM1, &cfg,
			  opt_loglvl.lower);
	if (!sched_name_known(opt_sched)) {
		printk(KERN_ERR "cmdline: sched=%s: unknown scheduler (this build "
		       "has: credit)\n", opt_sched);
		errors++;
	}
	if (opt_selftest[0] && strcmp(opt_selftest, "fault") &&
	    strcmp(opt_selftest, "wx") && strcmp(opt_selftest, "domain") &&
	    strcmp(opt_selftest, "preempt") && strcmp(opt_selftest, "oom") &&
	    strcmp(opt_selftest, "hvmcontext") && strcmp(opt_selftest, "iommu")) {
		printk(KERN_ERR "cmdline: selftest=%s: unknown (allowed: fault, "
		       "wx, domain, preempt, oom, hvmcontext, iommu)\n",
		       opt_selftest);
		errors++;
	}
	opt_selftest_preempt = !strcmp(opt_selftest, "preempt");
	if (errors)
		boot_fatal("the command line has %d bad option value%s (see above); "
			   "fix the boot loader entry", errors, errors > 1 ? "s" : "");
}
