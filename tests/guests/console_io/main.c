/*
 * console_io in both directions, as Xen 4.17's do_console_io()
 * (docs/xen-abi.md §A.6 step 6, §B.1).
 *
 * As the initial domain: the argument checks (count is an unsigned int,
 * reads over INT_MAX are -E2BIG, unknown commands -ENOSYS, bad buffers
 * -EFAULT, writes return 0), then "console_io: ready for input" and
 * CONSOLEIO_read in a loop until the runner's typing has arrived, which
 * is then echoed back raw:
 *	typed:	hello-amphi CR  ^A^A^A h ^A^A^A  x ^A^A y CR
 *	seen:	hello-amphi CR                   x ^A^A y CR
 * The first triple CTRL-a gives the line to the hypervisor ('h' prints
 * its key list), the second gives it back; a pair is ordinary input.
 * A read into a bad buffer fails without eating the input.
 *
 * As a domU: both commands are -EPERM (and our output goes to port 0xE9).
 */
#include "lib.h"

#define EFAULT 14
#define E2BIG 7
#define BAD_BUF 0x80000000UL	/* above our 1 GiB map: no translation */
#define READ_COUNT 5		/* small, so the count caps each read */
#define TIMEOUT_MS 40000

static const char expected[] = "hello-amphi\rx\x01\x01y\r";
#define FIRST_LINE 12		/* "hello-amphi\r" */

static char rx[64];
static unsigned int rx_len;

static long cio(unsigned long cmd, unsigned long count, unsigned long buf)
{
	return hypercall(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

/* @s with control characters as ^X, for report lines. */
static const char *visible(const char *s, unsigned int len)
{
	static char out[2 * sizeof(rx) + 1];
	unsigned int n = 0;

	for (unsigned int i = 0; i < len && n + 2 < sizeof(out); i++) {
		if ((u8)s[i] < 0x20) {
			out[n++] = '^';
			out[n++] = s[i] + '@';
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

static int check_domu(void)
{
	char c;
	long rc;

	rc = cio(CONSOLEIO_read, 1, (unsigned long)&c);
	report(rc == -EPERM, "domU CONSOLEIO_read = %ld (-EPERM)", rc);
	rc = cio(CONSOLEIO_write, 1, (unsigned long)"x");
	report(rc == -EPERM, "domU CONSOLEIO_write = %ld (-EPERM)", rc);
	return report_result();
}

static void check_args(void)
{
	static const char ok[] =
		"console_io: this line went out with count 2^32 + its length\n";
	char buf[8];
	long rc;

	rc = cio(CONSOLEIO_write, 0, (unsigned long)buf);
	report(rc == 0, "write of 0 bytes = %ld", rc);
	/* Only the low 32 bits of count are the count. */
	rc = cio(CONSOLEIO_write, (1UL << 32) | (sizeof(ok) - 1), (unsigned long)ok);
	report(rc == 0, "write with count 2^32 + %zu = %ld (0, as Xen)",
	       sizeof(ok) - 1, rc);
	rc = cio(CONSOLEIO_write, 4, BAD_BUF);
	report(rc == -EFAULT, "write from a bad buffer = %ld (-EFAULT)", rc);
	rc = cio(CONSOLEIO_read, 0, (unsigned long)buf);
	report(rc == 0, "read of 0 bytes = %ld", rc);
	rc = cio(CONSOLEIO_read, 0x80000000UL, (unsigned long)buf);
	report(rc == -E2BIG, "read of 2^31 bytes = %ld (-E2BIG)", rc);
	rc = cio(CONSOLEIO_read, 1UL << 32, (unsigned long)buf);
	report(rc == 0, "read of 2^32 bytes (count 0) = %ld", rc);
	rc = cio(CONSOLEIO_read | (1UL << 32), 0, (unsigned long)buf);
	report(rc == 0, "command 2^32 + CONSOLEIO_read = %ld (cmd is 32 bits)", rc);
	rc = cio(2, 0, (unsigned long)buf);
	report(rc == -ENOSYS, "command 2 = %ld (-ENOSYS)", rc);
}

/* Wait for the first input byte through a bad buffer: -EFAULT, and the
 * byte must still be there for the next read. */
static bool wait_first_byte(u64 deadline)
{
	long rc;

	while (now_ns() < deadline) {
		rc = cio(CONSOLEIO_read, 1, BAD_BUF);
		if (rc == -EFAULT)
			return true;
		if (rc != 0) {
			report(false, "read into a bad buffer = %ld", rc);
			return false;
		}
		sleep_ms(5);
	}
	report(false, "no input within %u ms", TIMEOUT_MS);
	return false;
}

static void receive(u64 deadline)
{
	while (rx_len < sizeof(expected) - 1 && now_ns() < deadline) {
		char buf[8];
		long rc = cio(CONSOLEIO_read, READ_COUNT, (unsigned long)buf);

		if (rc < 0 || rc > READ_COUNT) {
			report(false, "CONSOLEIO_read(count %u) = %ld", READ_COUNT, rc);
			return;
		}
		if (rc == 0) {
			sleep_ms(5);
			continue;
		}
		for (long i = 0; i < rc && rx_len < sizeof(rx); i++)
			rx[rx_len++] = buf[i];
	}
}

/*
 * Echo what arrived, raw, in one write so no hypervisor line can land in
 * the middle: the runner finds the control characters unchanged.
 */
static void echo(void)
{
	static const char pre[] = "console_io: echo [";
	char line[sizeof(pre) + sizeof(rx) + 2];
	unsigned int n = sizeof(pre) - 1;

	memcpy(line, pre, n);
	memcpy(line + n, rx, rx_len);
	n += rx_len;
	line[n++] = ']';
	line[n++] = '\n';
	cio(CONSOLEIO_write, n, (unsigned long)line);
}

int main(void)
{
	u64 deadline;

	if (!is_initial_domain)
		return check_domu();
	if (!time_info.valid) {
		report_info("no Xen time leaf (CPUID 0x40000003)");
		return TEST_ERROR;
	}
	check_args();
	printf("console_io: ready for input\n");
	deadline = now_ns() + TIMEOUT_MS * NS_PER_MS;
	if (!wait_first_byte(deadline))
		return report_result();
	receive(deadline);
	echo();
	report(rx_len >= 1 && rx[0] == 'h',
	       "a read into a bad buffer left the input in place");
	report(rx_len >= FIRST_LINE && !memcmp(rx, expected, FIRST_LINE),
	       "typed 'hello-amphi' came back through CONSOLEIO_read: '%s'",
	       visible(rx, rx_len < FIRST_LINE ? rx_len : FIRST_LINE));
	report(rx_len == sizeof(expected) - 1 &&
	       !memcmp(rx + FIRST_LINE, expected + FIRST_LINE,
		       sizeof(expected) - 1 - FIRST_LINE),
	       "input switched to Xen and back: 'h' kept, CTRL-a pair passed: '%s'",
	       rx_len > FIRST_LINE ? visible(rx + FIRST_LINE, rx_len - FIRST_LINE) : "");
	return report_result();
}
