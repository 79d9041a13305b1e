/* Shared scaffolding for the Check suites. */
#ifndef PPTP_NATCHECK_TESTUTIL_H
#define PPTP_NATCHECK_TESTUTIL_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One main per suite binary: run it, exit non-zero on any failure. */
#define CHECK_MAIN(make_suite)                                                                     \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(make_suite());                                        \
		int failed;                                                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		failed = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;                                  \
	}

/*
 * An exact-size heap copy of n bytes (at least one allocated), so that
 * AddressSanitizer catches a parser reading past what it was given.
 * The caller frees it.
 */
static inline uint8_t *
copy_of(const uint8_t *p, size_t n)
{
	uint8_t *q = malloc(n > 0 ? n : 1);

	ck_assert_ptr_nonnull(q);
	memcpy(q, p, n);
	return q;
}

/* Directory of the committed test data, relative to the repository root. */
#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

#endif
