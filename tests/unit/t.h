/*
 * A minimal test framework: TEST(name) registers a function, CHECK(cond)
 * records a failure with file:line and carries on. t_main.c runs every
 * registered test and prints one TAP-like line per test:
 *   ok - base/fmt_ipv6
 *   not ok - mrt/truncated: tests/unit/test_mrt.c:88: n == 3 (got 2)
 * and the summary line "N passed, N failed".
 */
#ifndef RW_T_H
#define RW_T_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void t_register(const char *name, void (*fn)(void));
void t_fail(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Directory of ../shared/data, or NULL (tests that need it say so). */
const char *t_shared(void);
void t_skip(const char *why);

#define TEST(name)                                                             \
	static void test_##name(void);                                         \
	__attribute__((constructor)) static void reg_##name(void)              \
	{                                                                      \
		t_register(T_PREFIX #name, test_##name);                       \
	}                                                                      \
	static void test_##name(void)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			t_fail(__FILE__, __LINE__, "%s", #cond);               \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long t_a = (long long)(a), t_b = (long long)(b);          \
		if (t_a != t_b)                                                \
			t_fail(__FILE__, __LINE__, "%s == %s (got %lld, want %lld)", #a, #b, t_a, t_b); \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *t_a = (a), *t_b = (b);                             \
		if (!t_a || !t_b || strcmp(t_a, t_b))                          \
			t_fail(__FILE__, __LINE__, "%s == %s (got \"%s\", want \"%s\")", #a, #b, \
			       t_a ? t_a : "(null)", t_b ? t_b : "(null)");    \
	} while (0)

#endif
