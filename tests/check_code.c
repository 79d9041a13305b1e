/* Finding-code table suite: every row in its place, names stable and unique. */
#include <ctype.h>
#include <string.h>

#include "code.h"
#include "testutil.h"

START_TEST(row_matches_enum)
{
	const struct code_info *ci = code_info((enum code)_i);
	enum code back;
	size_t k;

	ck_assert_ptr_nonnull(ci);
	ck_assert_int_eq(ci->code, _i);
	ck_assert(strlen(ci->name) > 2);
	for (k = 0; ci->name[k] != 0; k++)
		ck_assert(islower((unsigned char)ci->name[k]) || ci->name[k] == '_');
	ck_assert(code_by_name(ci->name, &back));
	ck_assert_int_eq(back, _i);
	ck_assert_ptr_nonnull(ci->hint);
	ck_assert_ptr_nonnull(ci->title);
	ck_assert(strlen(ci->title) > 3);
	/* What it means, never what to do: that depends on what was detected. */
	ck_assert_ptr_null(strstr(ci->hint, "ttach a PPTP helper"));
	ck_assert_ptr_null(strstr(ci->hint, "only a warning"));
}
END_TEST

START_TEST(out_of_range)
{
	enum code c;

	ck_assert_ptr_null(code_info(CODE_COUNT));
	ck_assert_ptr_null(code_info((enum code) - 1));
	ck_assert_str_eq(code_name(CODE_COUNT), "unknown");
	ck_assert(!code_by_name("no_such_code", &c));
}
END_TEST

/* The names the JSON contract promises. */
START_TEST(contract_names)
{
	static const char *const names[] = {
	    "call_id_collision",       "gre_blocked",
	    "gre_return_blocked",      "gre_forward_blocked",
	    "gre_misdelivered",        "call_id_not_restored",
	    "rewrite_inconsistent",    "unexpected_rewrite",
	    "ip_checksum_bad",         "tunnel_unmatched",
	    "captures_do_not_overlap",
	};
	size_t i;
	enum code c;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(code_by_name(names[i], &c), "%s missing", names[i]);
}
END_TEST

/* One word per severity everywhere: note, warning, error. */
START_TEST(severity_words)
{
	ck_assert_str_eq(severity_name(SEV_NOTE), "note");
	ck_assert_str_eq(severity_name(SEV_WARNING), "warning");
	ck_assert_str_eq(severity_name(SEV_ERROR), "error");
	ck_assert_str_eq(severity_name((enum severity)7), "unknown");
}
END_TEST

static Suite *
code_suite(void)
{
	Suite *s = suite_create("code");
	TCase *tc = tcase_create("table");

	tcase_add_loop_test(tc, row_matches_enum, 0, CODE_COUNT);
	tcase_add_test(tc, out_of_range);
	tcase_add_test(tc, contract_names);
	tcase_add_test(tc, severity_words);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(code_suite)
