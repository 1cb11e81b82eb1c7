/* The "domain=" boot-module syntax. */
#include <string.h>
#include <xen/domain_build.h>
#include <xen/errno.h>
#include "unit.h"

TEST(defaults)
{
	struct domain_spec s;
	const char *why;

	CHECK_EQ(domain_spec_parse("domain=spin", &s, &why), 0);
	CHECK(!strcmp(s.name, "spin"));
	CHECK_EQ(s.mem_bytes, 32 << 20);
	CHECK_EQ(s.vcpus, 1);
	CHECK_EQ(s.weight, 256);
	CHECK_EQ(s.cap, 0);
	CHECK_EQ(s.pin, -1);
	CHECK(!s.realmode);
	CHECK(!s.platform);
	CHECK(!strcmp(s.guest_cmdline, ""));
}

TEST(all_fields)
{
	struct domain_spec s;
	const char *why;

	CHECK_EQ(domain_spec_parse("domain=a-b,mem=16,vcpus=2,weight=512,cap=25,"
				   "pin=1,realmode,platform  quiet x=1", &s, &why), 0);
	CHECK(!strcmp(s.name, "a-b"));
	CHECK_EQ(s.mem_bytes, 16 << 20);
	CHECK_EQ(s.vcpus, 2);
	CHECK_EQ(s.weight, 512);
	CHECK_EQ(s.cap, 25);
	CHECK_EQ(s.pin, 1);
	CHECK(s.realmode);
	CHECK(s.platform);
	CHECK(!strcmp(s.guest_cmdline, "quiet x=1"));
}

TEST(bad)
{
	static const char *const bad[] = {
		"domain=", "domain=,mem=1", "domain=x,mem=0", "domain=x,mem=lots",
		"domain=x,mem=99999999", "domain=x,vcpus=0", "domain=x,vcpus=17",
		"domain=x,weight=0", "domain=x,weight=70000", "domain=x,cap=101",
		"domain=x,pin=64", "domain=x,,mem=1", "domain=x,frob=1",
		"domain=x,mem=16x", "domain=x,mem=", "notdomain=x",
		"domain=x,platforms", "domain=x,platform=1",
		"domain=0123456789012345678901234567890123",
	};
	struct domain_spec s;
	const char *why;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		CHECK_EQ(domain_spec_parse(bad[i], &s, &why), -EINVAL);
		CHECK(why != NULL);
	}
	/* cap is per vCPU: 150% is fine with two. */
	CHECK_EQ(domain_spec_parse("domain=x,vcpus=2,cap=150", &s, &why), 0);
}

UNIT_MAIN(defaults, all_fields, bad)
