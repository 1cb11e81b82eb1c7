/*
 * The "domain=" module syntax (see xen/include/xen/domain_build.h).  Pure:
 * also linked into tests/unit/test_domain_spec.c.
 */
#include <xen/domain_build.h>
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>

#define MAX_DOMAIN_MEM (64ULL << 30)

/* Parse a decimal/hex number of the whole field [s, end). */
static int field_u64(const char *s, const char *end, u64 max, u64 *out)
{
	const char *p;
	u64 v;

	if (param_parse_u64(s, &p, &v) || p != end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_field(struct domain_spec *sp, const char *f, const char *end,
		       const char **why)
{
	size_t n = end - f;
	u64 v;

#define IS(key) (n > sizeof(key) - 1 && !strncmp(f, key, sizeof(key) - 1))
	if (n == 8 && !strncmp(f, "realmode", 8)) {
		sp->realmode = true;
	} else if (n == 8 && !strncmp(f, "platform", 8)) {
		sp->platform = true;
	} else if (IS("mem=")) {
		if (field_u64(f + 4, end, MAX_DOMAIN_MEM >> 20, &v) || v < 1)
			return *why = "mem=<MiB> must be 1..65536", -EINVAL;
		sp->mem_bytes = v << 20;
	} else if (IS("vcpus=")) {
		if (field_u64(f + 6, end, 16, &v) || v < 1)
			return *why = "vcpus=<n> must be 1..16", -EINVAL;
		sp->vcpus = v;
	} else if (IS("weight=")) {
		if (field_u64(f + 7, end, 65535, &v) || v < 1)
			return *why = "weight=<n> must be 1..65535", -EINVAL;
		sp->weight = v;
	} else if (IS("cap=")) {
		if (field_u64(f + 4, end, 1600, &v))
			return *why = "cap=<pct> must be 0..100 per vCPU", -EINVAL;
		sp->cap = v;
	} else if (IS("pin=")) {
		if (field_u64(f + 4, end, 63, &v))
			return *why = "pin=<cpu> must be 0..63", -EINVAL;
		sp->pin = v;
	} else {
		return *why = "unknown field (allowed: mem=, vcpus=, weight=, "
			      "cap=, pin=, realmode, platform)", -EINVAL;
	}
#undef IS
	return 0;
}

int domain_spec_parse(const char *cmdline, struct domain_spec *sp,
		      const char **why)
{
	const char *p = cmdline + strlen(DOMAIN_SPEC_PREFIX), *end, *f;
	size_t n;

	*sp = (struct domain_spec){ .mem_bytes = 32ULL << 20, .vcpus = 1,
				    .weight = 256, .pin = -1 };
	if (strncmp(cmdline, DOMAIN_SPEC_PREFIX, strlen(DOMAIN_SPEC_PREFIX)))
		return *why = "not a domain= module", -EINVAL;
	end = strchr(p, ' ');
	if (!end)
		end = p + strlen(p);
	f = strchr(p, ',');
	n = (f && f < end ? f : end) - p;
	if (!n || n >= sizeof(sp->name))
		return *why = "the domain name must be 1..31 characters", -EINVAL;
	memcpy(sp->name, p, n);
	sp->name[n] = '\0';
	for (p += n; p < end; p = f) {
		p++;				/* the comma */
		f = strchr(p, ',');
		if (!f || f > end)
			f = end;
		if (f == p)
			return *why = "empty field", -EINVAL;
		if (parse_field(sp, p, f, why))
			return -EINVAL;
	}
	if (sp->cap > 100 * sp->vcpus)
		return *why = "cap=<pct> is above 100 per vCPU", -EINVAL;
	while (*end == ' ')
		end++;
	sp->guest_cmdline = end;
	return 0;
}
