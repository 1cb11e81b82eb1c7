/* Building domains from boot modules (xen/common/domain_build.c). */
#ifndef XEN_DOMAIN_BUILD_H
#define XEN_DOMAIN_BUILD_H

#include <xen/types.h>

struct acpi_info;
struct boot_info;

/*
 * A boot module whose command line starts with "domain=" starts an extra
 * domain at boot:
 *   domain=<name>[,mem=<MiB>][,vcpus=<n>][,weight=<w>][,cap=<pct>]
 *         [,pin=<cpu>][,realmode][,platform] [guest command line...]
 * "platform" gives the domain the emulated PIC, PIT and IO-APIC
 * (hvm/platform.h) beside its LAPIC, as an HVM guest has them.
 */
struct domain_spec {
	char name[32];
	u64 mem_bytes;		/* default 32 MiB */
	unsigned int vcpus;	/* default 1 */
	unsigned int weight;	/* default 256, 1..65535 */
	unsigned int cap;	/* default 0 (none), 1..100 * vcpus */
	int pin;		/* pCPU, or -1 for any */
	bool realmode;		/* flat binary below 1 MiB, start at F000:FFF0 */
	bool platform;		/* the emulated PIC, PIT and IO-APIC */
	const char *guest_cmdline;	/* points into the parsed string */
};

#define DOMAIN_SPEC_PREFIX "domain="

/* Parse a module command line that starts with "domain=".  Returns 0, or
 * -EINVAL with *why naming the bad field. */
int domain_spec_parse(const char *cmdline, struct domain_spec *s,
		      const char **why);

/* Build dom0 from module 1 (+ initrd module 2) and a domain per
 * "domain=" module; start their first vCPUs.  Failing to build dom0 is
 * fatal; a bad extra domain is reported and skipped. */
void domains_build_at_boot(const struct boot_info *bi,
			   const struct acpi_info *ai);

#endif
