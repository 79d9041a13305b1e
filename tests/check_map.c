/* Hash map suite: insert, replace, delete with backward shift, growth, cap. */
#include "map.h"
#include "testutil.h"

START_TEST(put_get_replace)
{
	struct map m;
	uint32_t v = 0;

	map_init(&m, 100);
	ck_assert(!map_get(&m, 7, &v));
	ck_assert(map_put(&m, 7, 70));
	ck_assert(map_get(&m, 7, &v));
	ck_assert_uint_eq(v, 70);
	ck_assert(map_put(&m, 7, 71));
	ck_assert(map_get(&m, 7, &v));
	ck_assert_uint_eq(v, 71);
	ck_assert_uint_eq(m.count, 1);
	map_free(&m);
}
END_TEST

/* Many keys, delete every other one: the rest must stay reachable. */
START_TEST(delete_keeps_probe_runs)
{
	struct map m;
	uint32_t v, i;

	map_init(&m, SIZE_MAX);
	for (i = 0; i < 5000; i++)
		ck_assert(map_put(&m, (uint64_t)i * 0x10000, i));
	for (i = 0; i < 5000; i += 2)
		ck_assert(map_del(&m, (uint64_t)i * 0x10000));
	ck_assert(!map_del(&m, 0));
	for (i = 0; i < 5000; i++) {
		bool found = map_get(&m, (uint64_t)i * 0x10000, &v);

		ck_assert(found == (i % 2 == 1));
		if (found)
			ck_assert_uint_eq(v, i);
	}
	ck_assert_uint_eq(m.count, 2500);
	map_free(&m);
}
END_TEST

START_TEST(cap_refuses_new_keys)
{
	struct map m;
	uint32_t v;

	map_init(&m, 3);
	ck_assert(map_put(&m, 1, 1));
	ck_assert(map_put(&m, 2, 2));
	ck_assert(map_put(&m, 3, 3));
	ck_assert(!map_put(&m, 4, 4));
	ck_assert(map_put(&m, 3, 33)); /* replacing is still allowed */
	ck_assert(map_get(&m, 3, &v));
	ck_assert_uint_eq(v, 33);
	map_free(&m);
}
END_TEST

static Suite *
map_suite(void)
{
	Suite *s = suite_create("map");
	TCase *tc = tcase_create("map");

	tcase_add_test(tc, put_get_replace);
	tcase_add_test(tc, delete_keeps_probe_runs);
	tcase_add_test(tc, cap_refuses_new_keys);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(map_suite)
