/*
 * Minimal host unit-test harness.  Each test_*.c defines tests with TEST()
 * and ends with UNIT_MAIN(); the binary prints one line per failed check and
 * a final "unit <name>: N passed, N failed" line, exiting non-zero on failure.
 */
#ifndef UNIT_H
#define UNIT_H

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

struct unit_case {
	const char *name;
	void (*fn)(void);
};

extern int unit_failures;
extern int unit_checks;

#define CHECK(c) do {							\
	unit_checks++;							\
	if (!(c)) {							\
		unit_failures++;					\
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n",		\
			__FILE__, __LINE__, #c);			\
	}								\
} while (0)

#define CHECK_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	unit_checks++;							\
	if (_a != _b) {							\
		unit_failures++;					\
		fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, #a, _a, #b, _b);		\
	}								\
} while (0)

#define TEST(n) static void n(void)

/*
 * Does @fn abort?  Hypervisor invariants end in panic(), which the shim
 * turns into abort(); run @fn in a child (stderr silenced) so the test
 * goes on with its own heap intact.
 */
static inline bool unit_dies(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 2);
		fn();
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return false;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* UNIT_MAIN(test_a, test_b, ...) */
#define UNIT_MAIN(...)							\
int unit_failures, unit_checks;						\
int main(void)								\
{									\
	void (*fns[])(void) = { __VA_ARGS__ };				\
	const char *names = #__VA_ARGS__;				\
	int passed = 0, failed = 0;					\
	for (unsigned i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {	\
		int before = unit_failures;				\
		fns[i]();						\
		if (unit_failures == before)				\
			passed++;					\
		else							\
			failed++;					\
	}								\
	printf("unit %s [%s]: %d passed, %d failed\n", __FILE__, names, \
	       passed, failed);						\
	return failed ? 1 : 0;						\
}

#endif
