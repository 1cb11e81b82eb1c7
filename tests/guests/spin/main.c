/*
 * Burns CPU forever for the scheduler tests (fairness, caps, isolation):
 * counts, and every 2^shift iterations (command line "shift=<n>",
 * default 28) prints "spin: progress <k>" so the runner sees that the
 * domain keeps getting CPU time.  Never returns.
 */
#include "lib.h"

int main(void)
{
	u64 shift = 28, k = 0;
	volatile u64 counter = 0;
	u64 mask;

	cmdline_get_u64("shift", &shift);
	if (shift < 8 || shift > 40)
		shift = 28;
	mask = (1ULL << shift) - 1;
	report_info("spinning, progress every 2^%lu iterations", shift);
	for (;;) {
		u64 c = counter + 1;

		counter = c;
		if (!(c & mask))
			printf("spin: progress %lu\n", ++k);
	}
}
