/* Shared scaffolding for the Check suites. */
#ifndef PPTP_NATCHECK_TESTUTIL_H
#define PPTP_NATCHECK_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

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

/* Directory of the committed test data, relative to the repository root. */
#ifndef TESTDATA
#define TESTDATA "testdata"
#endif

#endif
