/*
 * Command-line parsing: the token walker and the value formats shared by
 * many options.  See xen/param.h for the syntax.
 *
 * Design: the command line is const (it lives in the multiboot info), so
 * each token is copied into a bounded buffer and split there; a token
 * longer than CMDLINE_TOKEN_MAX is an error, never silently truncated,
 * since a truncated value might still parse into something unintended.
 * Like Xen, a hex size may not end in B: "0x1B" is 0x1b KiB, not 1 byte.
 * Every parser decodes into a local first and writes the option's variable
 * only once the whole value has been accepted (validate, then commit).
 */
#include <xen/errno.h>
#include <xen/lib.h>
#include <xen/param.h>

/* ---- Numbers, sizes, booleans ----------------------------------------- */

static unsigned int cmdline_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* ASCII lower case; no locale in here */
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 16;
}

int param_parse_u64(const char *s, const char **end, u64 *out)
{
	unsigned int base = 10, d;
	u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (cmdline_digit(*s) >= base)
		return -EINVAL;
	for (; (d = cmdline_digit(*s)) < base; s++) {
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*end = s;
	*out = v;
	return 0;
}

/* Scale @v by the unit at **ps (consumed if present); no unit means KiB. */
static int cmdline_size_unit(u64 v, const char **ps, u64 *out)
{
	unsigned int shift;
	bool unit = true;

	switch (**ps | 0x20) {	/* ASCII lower case */
	case 't':
		shift = 40;
		break;
	case 'g':
		shift = 30;
		break;
	case 'm':
		shift = 20;
		break;
	case 'k':
		shift = 10;
		break;
	case 'b':
		shift = 0;
		break;
	default:	/* Xen's parse_size_and_unit(): "default to kB" */
		shift = 10;
		unit = false;
		break;
	}
	if (v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ps += unit;
	*out = v << shift;
	return 0;
}

int param_parse_size(const char *s, const char **end, u64 *out)
{
	u64 v;
	int rc = param_parse_u64(s, &s, &v);

	if (rc)
		return rc;
	rc = cmdline_size_unit(v, &s, &v);
	if (rc)
		return rc;
	*end = s;
	*out = v;
	return 0;
}

int param_parse_bool(const char *s)
{
	static const struct {
		const char *word;
		bool val;
	} words[] = {
		{ "1", true }, { "0", false }, { "on", true }, { "off", false },
		{ "yes", true }, { "no", false }, { "true", true },
		{ "false", false }, { "enable", true }, { "disable", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(s, words[i].word))
			return words[i].val;
	return -EINVAL;
}

/* ---- Storing into the table's variables ------------------------------- */

static u64 cmdline_width_max(const struct param_def *d)
{
	switch (d->size) {
	case 1:
		return UINT8_MAX;
	case 2:
		return UINT16_MAX;
	case 4:
		return UINT32_MAX;
	case 8:
		return UINT64_MAX;
	}
	BUG();	/* a PARAM_UINT/PARAM_SIZE entry with a non-integer var */
}

static void cmdline_store_uint(const struct param_def *d, u64 v)
{
	switch (d->size) {
	case 1:
		*(u8 *)d->var = v;
		break;
	case 2:
		*(u16 *)d->var = v;
		break;
	case 4:
		*(u32 *)d->var = v;
		break;
	default:
		*(u64 *)d->var = v;
		break;
	}
}

static int cmdline_set_uint(const struct param_def *d, const char *val)
{
	bool size = d->type == PARAM_SIZE;
	u64 max = MIN(d->max, cmdline_width_max(d)), v = 0;
	const char *end = val;
	int rc;

	rc = size ? param_parse_size(val, &end, &v) :
		    param_parse_u64(val, &end, &v);
	if (rc == -EINVAL || (!rc && *end)) {
		printk(KERN_ERR "cmdline: invalid value '%s' for option '%s'"
		       " (expected %s in [%llu, %llu]%s)\n", val, d->name,
		       size ? "<number>[B|K|M|G|T], default unit K," :
			      "a decimal or 0x-hex number",
		       (unsigned long long)d->min, (unsigned long long)max,
		       size ? " bytes" : "");
		return -EINVAL;
	}
	if (rc || v < d->min || v > max) {
		printk(KERN_ERR "cmdline: value '%s' for option '%s' out of "
		       "range [%llu, %llu]%s\n", val, d->name,
		       (unsigned long long)d->min, (unsigned long long)max,
		       size ? " bytes" : "");
		return -ERANGE;
	}
	cmdline_store_uint(d, v);
	return 0;
}

static int cmdline_set_string(const struct param_def *d, const char *val)
{
	size_t len = strlen(val);

	if (len >= d->size) {
		printk(KERN_ERR "cmdline: value '%s' for option '%s' is longer "
		       "than %zu characters\n", val, d->name, d->size - 1);
		return -ERANGE;
	}
	memcpy(d->var, val, len + 1);
	return 0;
}

/* @val is NULL for a bare "name"; @neg for the "no-name" form. */
static int cmdline_set(const struct param_def *d, const char *val, bool neg)
{
	int rc;

	if (neg && d->type != PARAM_BOOL) {
		printk(KERN_ERR "cmdline: option '%s' is not boolean, so "
		       "'no-%s' is invalid\n", d->name, d->name);
		return -EINVAL;
	}
	if (!val && d->type != PARAM_BOOL && d->type != PARAM_CUSTOM) {
		printk(KERN_ERR "cmdline: option '%s' needs a value\n", d->name);
		return -EINVAL;
	}

	switch (d->type) {
	case PARAM_BOOL:
		BUG_ON(d->size != sizeof(bool));
		rc = val ? param_parse_bool(val) : 1;
		if (rc < 0) {
			printk(KERN_ERR "cmdline: invalid value '%s' for option "
			       "'%s' (expected yes/no, on/off, true/false, "
			       "1/0, enable/disable)\n", val, d->name);
			return rc;
		}
		/* As in Xen, "no-name=no" is a double negative: true. */
		*(bool *)d->var = rc ^ neg;
		return 0;
	case PARAM_UINT:
	case PARAM_SIZE:
		return cmdline_set_uint(d, val);
	case PARAM_STRING:
		return cmdline_set_string(d, val);
	case PARAM_CUSTOM:
		rc = d->parse(val ? val : "", d->var);
		if (rc)
			printk(KERN_ERR "cmdline: %s value '%s' for option "
			       "'%s' (expected %s)\n",
			       rc == -ERANGE ? "out-of-range" :
			       rc == -EOPNOTSUPP ? "unsupported" : "invalid",
			       val ? val : "", d->name,
			       d->help ? d->help : "see the documentation");
		return rc;
	}
	BUG();
}

/* ---- The token walker -------------------------------------------------- */

enum cmdline_tok_result { CMDLINE_OK, CMDLINE_UNKNOWN, CMDLINE_BAD };

static const struct param_def *cmdline_find(const struct param_def *defs,
					    size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

/* Pre: @tok is one NUL-terminated, writable token without spaces. */
static enum cmdline_tok_result cmdline_token(char *tok,
					     const struct param_def *defs,
					     size_t n)
{
	char *val = strchr(tok, '=');
	const struct param_def *d;
	bool neg = false;

	if (val)
		*val++ = '\0';
	/* An exact name wins, so an option may itself begin with "no-". */
	d = cmdline_find(defs, n, tok);
	if (!d && !strncmp(tok, "no-", 3)) {
		d = cmdline_find(defs, n, tok + 3);
		neg = d != NULL;
	}
	if (!d) {
		printk(KERN_WARNING "cmdline: unknown option '%s' ignored\n", tok);
		return CMDLINE_UNKNOWN;
	}
	return cmdline_set(d, val, neg) ? CMDLINE_BAD : CMDLINE_OK;
}

static bool cmdline_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int cmdline_parse_counted(const char *cmdline, const struct param_def *defs,
			  size_t n, unsigned int *nr_unknown)
{
	char tok[CMDLINE_TOKEN_MAX + 1];
	const char *p = cmdline ? cmdline : "";
	unsigned int unknown = 0;
	int errors = 0;
	size_t len;

	for (;; p += len) {
		while (cmdline_is_space(*p))
			p++;
		if (!*p)
			break;
		for (len = 0; p[len] && !cmdline_is_space(p[len]); len++)
			;
		if (len > CMDLINE_TOKEN_MAX) {
			printk(KERN_ERR "cmdline: option '%.40s...' is longer "
			       "than %u characters, ignored\n", p,
			       CMDLINE_TOKEN_MAX);
			errors++;
			continue;
		}
		memcpy(tok, p, len);
		tok[len] = '\0';
		switch (cmdline_token(tok, defs, n)) {
		case CMDLINE_UNKNOWN:
			unknown++;
			break;
		case CMDLINE_BAD:
			errors++;
			break;
		case CMDLINE_OK:
			break;
		}
	}
	if (nr_unknown)
		*nr_unknown = unknown;
	return errors;
}

int cmdline_parse(const char *cmdline, const struct param_def *defs, size_t n)
{
	return cmdline_parse_counted(cmdline, defs, n, NULL);
}

/* ---- Option formats ---------------------------------------------------- */

/*
 * Split off the next comma-separated field of a NUL-terminated list: its
 * length goes to *len and the return value is the start of the following
 * field, or NULL after the last one.
 */
static const char *cmdline_field(const char *p, size_t *len)
{
	const char *comma = strchr(p, ',');

	*len = comma ? (size_t)(comma - p) : strlen(p);
	return comma ? comma + 1 : NULL;
}

static bool cmdline_field_is(const char *p, size_t len, const char *word)
{
	return len == strlen(word) && !strncmp(p, word, len);
}

int param_parse_console(const char *val, void *var)
{
	unsigned int mask = 0;
	const char *p = val;
	size_t len;

	do {
		const char *next = cmdline_field(p, &len);

		if (cmdline_field_is(p, len, "com1"))
			mask |= PARAM_CONSOLE_COM1;
		else if (cmdline_field_is(p, len, "vga"))
			mask |= PARAM_CONSOLE_VGA;
		else if (!cmdline_field_is(p, len, "none"))
			return -EINVAL;
		p = next;
	} while (p);
	*(unsigned int *)var = mask;
	return 0;
}

int param_parse_iommu(const char *val, void *var)
{
	struct param_iommu t = { .on = true, .qinval = true };
	const char *p = val;
	char word[8];
	size_t len;
	int b;

	do {
		const char *next = cmdline_field(p, &len);

		if (cmdline_field_is(p, len, "force") ||
		    cmdline_field_is(p, len, "required")) {
			t.force = true;
		} else if (cmdline_field_is(p, len, "qinval") ||
			   cmdline_field_is(p, len, "no-qinval")) {
			t.qinval = len == 6;
		} else {
			if (len >= sizeof(word))
				return -EINVAL;
			memcpy(word, p, len);
			word[len] = 0;
			b = param_parse_bool(word);
			if (b < 0)
				return -EINVAL;
			t.on = b;
		}
		p = next;
	} while (p);
	if (t.force && !t.on)
		return -EINVAL;
	*(struct param_iommu *)var = t;
	return 0;
}

/*
 * Xen's parse_boolean() for one field of a list: "@name" and "@name=<bool>"
 * give the value, "no-@name" false.  -ENOENT if the field is not @name's,
 * -EINVAL if its value is not a boolean.
 */
static int cmdline_field_bool(const char *p, size_t len, const char *name)
{
	size_t n = strlen(name);
	char word[8];

	if (cmdline_field_is(p, len, name))
		return 1;
	if (len == n + 3 && !strncmp(p, "no-", 3) && !strncmp(p + 3, name, n))
		return 0;
	if (len <= n + 1 || strncmp(p, name, n) || p[n] != '=')
		return -ENOENT;
	if (len - n - 1 >= sizeof(word))
		return -EINVAL;
	memcpy(word, p + n + 1, len - n - 1);
	word[len - n - 1] = 0;
	return param_parse_bool(word);
}

int param_parse_dom0_iommu(const char *val, void *var)
{
	static const char *const pv_only[] = {
		"passthrough", "strict", "map-inclusive",
	};
	struct param_dom0_iommu t = *(struct param_dom0_iommu *)var;
	const char *p = val;
	size_t len;
	int b;

	do {
		const char *next = cmdline_field(p, &len);

		b = cmdline_field_bool(p, len, "map-reserved");
		if (b >= 0) {
			t.map_reserved = b;
		} else if (b == -ENOENT && cmdline_field_is(p, len, "none")) {
			t.pv_only = true;
		} else {
			for (size_t i = 0; b == -ENOENT && i < ARRAY_SIZE(pv_only);
			     i++)
				b = cmdline_field_bool(p, len, pv_only[i]);
			if (b < 0)
				return -EINVAL;
			t.pv_only = true;
		}
		p = next;
	} while (p);
	*(struct param_dom0_iommu *)var = t;
	return 0;
}

/* A number filling exactly [p, p + len) and within [min, max]. */
static int cmdline_field_u64(const char *p, size_t len, u64 min, u64 max,
			     u64 *out)
{
	const char *end;
	u64 v;
	int rc = param_parse_u64(p, &end, &v);

	if (rc)
		return rc;
	if (end != p + len)
		return -EINVAL;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* <baud>|auto[/<base-baud>] */
static int com_parse_baud(struct param_com *c, const char *p, size_t len)
{
	const char *slash = NULL;
	size_t blen;
	u64 v;
	int rc;

	for (blen = 0; blen < len && !slash; blen++)
		if (p[blen] == '/')
			slash = &p[blen];
	blen = slash ? (size_t)(slash - p) : len;

	if (cmdline_field_is(p, blen, "auto")) {
		c->baud = PARAM_COM_BAUD_AUTO;
	} else if (blen) {
		rc = cmdline_field_u64(p, blen, PARAM_COM_BAUD_MIN,
				       PARAM_COM_BAUD_MAX, &v);
		if (rc)
			return rc;
		c->baud = v;
	}
	if (!slash)
		return 0;
	/* The UART clock is 16 times the base baud; it must fit 32 bits. */
	rc = cmdline_field_u64(slash + 1, len - blen - 1, 1, UINT32_MAX / 16,
			       &v);
	if (rc)
		return rc;
	c->base_baud = v;
	return 0;
}

/* DPS: data bits, parity, stop bits, e.g. 8n1. */
static int com_parse_dps(struct param_com *c, const char *p, size_t len)
{
	if (len != 3 || p[0] < '5' || p[0] > '8' || !p[1] ||
	    !strchr("noems", p[1]) || p[2] < '1' || p[2] > '2')
		return -EINVAL;
	c->data_bits = p[0] - '0';
	c->parity = p[1];
	c->stop_bits = p[2] - '0';
	return 0;
}

static int com_parse_field(struct param_com *c, unsigned int idx,
			   const char *p, size_t len)
{
	u64 v;
	int rc;

	switch (idx) {
	case 0:
		return com_parse_baud(c, p, len);
	case 1:
		return com_parse_dps(c, p, len);
	case 2:
		/* Finding the UART on PCI is not implemented. */
		if (cmdline_field_is(p, len, "pci") ||
		    cmdline_field_is(p, len, "amt"))
			return -EOPNOTSUPP;
		/* A 16550 decodes 8 ports from the base. */
		rc = cmdline_field_u64(p, len, 1, 0xfff8, &v);
		if (!rc)
			c->io_base = v;
		return rc;
	case 3:
		if (cmdline_field_is(p, len, "msi"))
			return -EOPNOTSUPP;
		rc = cmdline_field_u64(p, len, 0, PARAM_COM_IRQ_MAX, &v);
		if (!rc)
			c->irq = v;
		return rc;
	}
	return -EOPNOTSUPP;	/* PCI coordinates of the port and bridge */
}

int param_parse_com(const char *val, void *var)
{
	struct param_com c = *(struct param_com *)var;
	const char *p = val;
	unsigned int idx = 0;
	size_t len;
	int rc;

	/* Xen's name=value form (baud=, io-base=, reg-width=...) */
	if (strchr(val, '='))
		return -EOPNOTSUPP;
	do {
		const char *next = cmdline_field(p, &len);

		if (len) {	/* an empty field keeps the preset value */
			rc = com_parse_field(&c, idx, p, len);
			if (rc)
				return rc;
		}
		p = next;
		idx++;
	} while (p);
	*(struct param_com *)var = c;
	return 0;
}

static int loglvl_word(const char *p, size_t len, int *lvl)
{
	static const struct {
		const char *name;
		int lvl;
	} levels[] = {
		{ "none", PARAM_LOGLVL_NONE }, { "error", XENLOG_ERR },
		{ "warning", XENLOG_WARNING }, { "info", XENLOG_INFO },
		{ "debug", XENLOG_DEBUG }, { "all", PARAM_LOGLVL_ALL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
		if (cmdline_field_is(p, len, levels[i].name)) {
			*lvl = levels[i].lvl;
			return 0;
		}
	}
	return -EINVAL;
}

int param_parse_loglvl(const char *val, void *var)
{
	const char *slash = strchr(val, '/');
	struct param_loglvl l;
	int rc;

	rc = loglvl_word(val, slash ? (size_t)(slash - val) : strlen(val),
			 &l.lower);
	if (rc)
		return rc;
	l.upper = l.lower;
	if (slash) {
		rc = loglvl_word(slash + 1, strlen(slash + 1), &l.upper);
		if (rc)
			return rc;
	}
	/* Xen: rate-limited printing cannot be less verbose than always. */
	if (l.upper < l.lower)
		l.upper = l.lower;
	*(struct param_loglvl *)var = l;
	return 0;
}

/* Parse "<frac>%" at *ps; Xen caps the fraction below 100. */
static int memsize_percent(const char **ps, u8 *pct)
{
	u64 v;
	int rc = param_parse_u64(*ps, ps, &v);

	if (rc)
		return rc;
	if (**ps != '%')
		return -EINVAL;
	if (v >= 100)
		return -ERANGE;
	(*ps)++;
	*pct = v;
	return 0;
}

/* [-](<size> | <frac>% | <size>+<frac>%) filling exactly [p, p + len). */
static int memsize_parse(const char *p, size_t len, struct param_memsize *m)
{
	struct param_memsize t = { 0 };
	const char *s = p, *after;
	u64 v;
	int rc;

	if (len && *s == '-') {
		t.minus = true;
		s++;
	}
	rc = param_parse_u64(s, &after, &v);
	if (rc)
		return rc;
	if (*after == '%') {
		rc = memsize_percent(&s, &t.percent);
	} else {
		s = after;
		rc = cmdline_size_unit(v, &s, &t.bytes);
		if (!rc && *s == '+') {
			s++;
			rc = memsize_percent(&s, &t.percent);
		}
	}
	if (rc)
		return rc;
	if (s != p + len)
		return -EINVAL;
	*m = t;
	return 0;
}

int param_parse_dom0_mem(const char *val, void *var)
{
	struct param_dom0_mem t = *(struct param_dom0_mem *)var;
	const char *p = val;
	size_t len;
	int rc;

	do {
		const char *next = cmdline_field(p, &len);

		if (!strncmp(p, "min:", 4)) {
			rc = memsize_parse(p + 4, len - 4, &t.min);
			t.has_min = true;
		} else if (!strncmp(p, "max:", 4)) {
			rc = memsize_parse(p + 4, len - 4, &t.max);
			t.has_max = true;
		} else {
			rc = memsize_parse(p, len, &t.amt);
			t.has_amt = true;
		}
		if (rc)
			return rc;
		p = next;
	} while (p);
	*(struct param_dom0_mem *)var = t;
	return 0;
}

int param_parse_dom0_max_vcpus(const char *val, void *var)
{
	struct param_vcpu_range r = { .min = 1, .max = UINT32_MAX };
	const char *s = val;
	u64 v;
	int rc;

	if (*s != '-') {
		rc = param_parse_u64(s, &s, &v);
		if (rc)
			return rc;
		if (v > UINT32_MAX)
			return -ERANGE;
		r.min = v ? v : 1;	/* as Xen: 0 means 1 */
		if (!*s) {
			r.max = r.min;
			goto commit;
		}
		if (*s != '-')
			return -EINVAL;
		if (!*++s)
			goto commit;	/* "<min>-": no upper bound */
	} else {
		s++;		/* "-<max>": the number below is required */
	}
	rc = cmdline_field_u64(s, strlen(s), 1, UINT32_MAX, &v);
	if (rc)
		return rc;
	r.max = v;
	if (r.min > r.max)
		return -ERANGE;
 commit:
	*(struct param_vcpu_range *)var = r;
	return 0;
}
