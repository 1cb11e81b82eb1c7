/*
 * From the PVH entry to main() and back out: copy the boot information,
 * set up traps, the console and hypercalls, run the case, print the one
 * result line and shut down.
 */
#include "lib.h"

struct hvm_start_info start_info;
char cmdline[1024];
struct hvm_memmap_table_entry memmap[MAX_MEMMAP];
unsigned int memmap_entries;
bool is_initial_domain;
u32 my_domid, my_vcpu_id;
static unsigned int nr_failures;

/* Copy start_info and what it points to before anything can overwrite
 * them (the hypervisor may have put them anywhere in RAM). */
static const char *copy_start_info(u32 pa)
{
	const struct hvm_start_info *si = (const void *)(u64)pa;
	const struct hvm_memmap_table_entry *mm;
	const char *cl;
	unsigned int i;

	if (!pa || pa >= IDENTITY_MAP_END)
		return "start_info address out of range";
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		return "bad start_info magic";
	start_info = *si;
	if (si->cmdline_paddr && si->cmdline_paddr < IDENTITY_MAP_END) {
		cl = (const char *)si->cmdline_paddr;
		for (i = 0; i < sizeof(cmdline) - 1 && cl[i]; i++)
			cmdline[i] = cl[i];
	}
	if (si->version >= 1 && si->memmap_paddr &&
	    si->memmap_paddr < IDENTITY_MAP_END) {
		mm = (const void *)si->memmap_paddr;
		for (i = 0; i < si->memmap_entries && i < MAX_MEMMAP; i++)
			memmap[i] = mm[i];
		memmap_entries = i;
	}
	start_info.cmdline_paddr = (u64)cmdline;
	start_info.memmap_paddr = (u64)memmap;
	start_info.memmap_entries = memmap_entries;
	is_initial_domain = si->flags & SIF_INITDOMAIN;
	return NULL;
}

void lib_start(u32 start_info_pa)
{
	const char *err = copy_start_info(start_info_pa);
	struct cpuid c;
	int r;

	trap_init();
	hypercall_init();
	console_init();
	time_init();
	c = cpuid(0x40000000);
	if (c.a >= 0x40000004) {
		c = cpuid(0x40000004);
		my_vcpu_id = c.b;
		my_domid = c.c;
	}
	printf("%s: domid %u vcpu %u%s, cmdline '%s'\n", case_name, my_domid,
	       my_vcpu_id, is_initial_domain ? " (initial domain)" : "", cmdline);
	if (err) {
		printf("%s: %s (start_info at %#x)\n", case_name, err, start_info_pa);
		test_result(TEST_ERROR);
	}
	r = main();
	test_result(r >= TEST_SUCCESS && r <= TEST_ERROR ? r : TEST_ERROR);
}

static const char *const result_names[] = {
	"SUCCESS", "FAILURE", "SKIP", "ERROR",
};

void test_result_print(enum test_result r)
{
	printf("Test result: %s\n", result_names[r]);
	console_flush();
}

void test_result(enum test_result r)
{
	struct sched_shutdown s = { .reason = SHUTDOWN_poweroff };
	long rc;
	int vec;

	test_result_print(r);
	/* Poweroff: the initial domain's takes the machine down; any other
	 * domain is destroyed.  (The safe form: a fault must not recurse.) */
	vec = hypercall_insn_safe(hc_native, __HYPERVISOR_sched_op,
				  SCHEDOP_shutdown, (unsigned long)&s, 0, &rc);
	if (vec != FAULT_NONE)
		printf("%s: SCHEDOP_shutdown raised %s; halting with IF=0\n",
		       case_name, vector_name(vec));
	else
		printf("%s: SCHEDOP_shutdown returned %ld; halting with IF=0\n",
		       case_name, rc);
	for (;;)
		asm volatile("cli; hlt");	/* Xen: the vCPU goes down */
}

bool report(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", case_name, ok ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		nr_failures++;
	return ok;
}

void report_info(const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", case_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void report_skip(const char *fmt, ...)
{
	va_list ap;

	printf("%s: SKIP: ", case_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

unsigned int report_failures(void)
{
	return nr_failures;
}

enum test_result report_result(void)
{
	if (nr_failures)
		report_info("%u check(s) failed", nr_failures);
	return nr_failures ? TEST_FAILURE : TEST_SUCCESS;
}

/* ---- command line ---- */

/* The value after "key=", or "key" itself as a whole word; NULL if absent. */
static const char *find_word(const char *key, bool with_value)
{
	size_t kl = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl)) {
			if (with_value && p[kl] == '=')
				return p + kl + 1;
			if (!with_value && (p[kl] == ' ' || !p[kl]))
				return p;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

bool cmdline_has(const char *word)
{
	return find_word(word, false) != NULL;
}

bool cmdline_get_str(const char *key, char *buf, size_t len)
{
	const char *v = find_word(key, true);
	size_t i;

	if (!v || !len)
		return false;
	for (i = 0; i + 1 < len && v[i] && v[i] != ' '; i++)
		buf[i] = v[i];
	buf[i] = 0;
	return true;
}

bool cmdline_get_u64(const char *key, u64 *val)
{
	const char *v = find_word(key, true);
	unsigned int base = 10, d;
	u64 x = 0;

	if (!v || !*v || *v == ' ')
		return false;
	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		base = 16;
		v += 2;
	}
	for (; *v && *v != ' '; v++) {
		if (*v >= '0' && *v <= '9')
			d = *v - '0';
		else if (base == 16 && (*v | 0x20) >= 'a' && (*v | 0x20) <= 'f')
			d = (*v | 0x20) - 'a' + 10;
		else
			return false;
		x = x * base + d;
	}
	*val = x;
	return true;
}

u64 memmap_ram_end(void)
{
	u64 end = 0;
	unsigned int i;

	for (i = 0; i < memmap_entries; i++)
		if (memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM &&
		    memmap[i].addr + memmap[i].size > end)
			end = memmap[i].addr + memmap[i].size;
	/* dom0's ACPI tables sit in RAM right above it (an ACPI entry
	 * that starts where RAM ends): populated too. */
	for (i = 0; i < memmap_entries; i++)
		if (memmap[i].type == XEN_HVM_MEMMAP_TYPE_ACPI &&
		    memmap[i].addr == end)
			end += memmap[i].size;
	return end;
}
