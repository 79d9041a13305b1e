/* bench/verify.c: check a pptp-natcheck JSON report against bench/gen's truth JSON. */
/*
 * usage: verify TRUTH.json REPORT.json [--single inside|outside]
 * Paired mode (default): the report must list exactly the truth's tunnels, each found by its
 * inside (PNS address, PAC address, PAC Call ID); for both sides the PNS and PAC Call IDs and
 * the GRE packet counts per direction must equal the truth's, and every input's packet count
 * the generated file's.  With --single SIDE the report is of one capture ("capture" objects)
 * and is compared with that side of the truth.  A healthy capture (defect "none") must also
 * get the verdict "pass".  Prints the first mismatches and a summary; exit 0 when all match,
 * 1 on a mismatch, 2 on usage or unreadable input.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h" /* REPORT_SCHEMA_VERSION: the schema the tool writes */

/* Mismatches printed before the rest are only counted: enough to see a pattern. */
#define VERIFY_MAX_SHOWN 10

static int mismatches;

static void mismatch(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
mismatch(const char *fmt, ...)
{
	va_list ap;

	if (++mismatches > VERIFY_MAX_SHOWN)
		return;
	printf("verify: mismatch: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *
str_or(const json_t *o, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : dflt;
}

/* -1 when absent or null, so that "unknown" never equals a real count or Call ID. */
static json_int_t
int_or(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? json_integer_value(v) : -1;
}

static void
key_of(char *buf, size_t cap, const json_t *side)
{
	snprintf(buf, cap, "%s|%s|%lld", str_or(side, "pns", "?"), str_or(side, "pac", "?"),
	         (long long)int_or(side, "pac_call_id"));
}

static void
compare_side(const char *tunnel, const char *role, const json_t *want, const json_t *got,
             long long *gre_total)
{
	static const char *const fields[] = {"pns_call_id", "pac_call_id", "gre_to_pac",
	                                     "gre_to_pns"};
	size_t i;

	if (json_is_null(want) || !want) {
		if (got && !json_is_null(got))
			mismatch("tunnel %s: %s side present in the report, absent in the truth",
			         tunnel, role);
		return;
	}
	if (!got || json_is_null(got)) {
		mismatch("tunnel %s: %s side missing from the report", tunnel, role);
		return;
	}
	if (strcmp(str_or(want, "pns", "?"), str_or(got, "pns", "")) ||
	    strcmp(str_or(want, "pac", "?"), str_or(got, "pac", "")))
		mismatch("tunnel %s: %s addresses differ", tunnel, role);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		json_int_t w = int_or(want, fields[i]), g = int_or(got, fields[i]);
		if (w != g)
			mismatch("tunnel %s: %s %s: report %lld, truth %lld", tunnel, role,
			         fields[i], (long long)g, (long long)w);
	}
	*gre_total += (long long)(int_or(want, "gre_to_pac") + int_or(want, "gre_to_pns"));
}

int
main(int argc, char **argv)
{
	json_error_t err;
	json_t *truth, *report, *map, *ttun, *rtun, *inputs, *files, *v;
	const char *single = NULL;
	size_t i, found = 0;
	long long gre[2] = {0, 0};
	int rc = 0;

	if (argc == 5 && !strcmp(argv[3], "--single") &&
	    (!strcmp(argv[4], "inside") || !strcmp(argv[4], "outside")))
		single = argv[4];
	else if (argc != 3) {
		fprintf(stderr, "usage: verify TRUTH.json REPORT.json [--single inside|outside]\n");
		return 2;
	}
	truth = json_load_file(argv[1], 0, &err);
	if (!truth) {
		fprintf(stderr, "verify: %s: %s (line %d)\n", argv[1], err.text, err.line);
		return 2;
	}
	report = json_load_file(argv[2], 0, &err);
	if (!report) {
		fprintf(stderr, "verify: %s: %s (line %d)\n", argv[2], err.text, err.line);
		json_decref(truth);
		return 2;
	}
	ttun = json_object_get(truth, "tunnels");
	rtun = json_object_get(report, "tunnels");
	files = json_object_get(truth, "files");
	inputs = json_object_get(report, "inputs");
	if (!json_is_array(ttun) || !json_is_array(rtun) || !json_is_object(files)) {
		fprintf(stderr, "verify: no tunnels array in the truth or the report\n");
		rc = 2;
		goto out;
	}
	if (int_or(report, "schema_version") != REPORT_SCHEMA_VERSION)
		mismatch("schema_version is not %d", REPORT_SCHEMA_VERSION);
	if (strcmp(str_or(report, "mode", ""), single ? "single" : "paired"))
		mismatch("mode is \"%s\", expected \"%s\"", str_or(report, "mode", ""),
		         single ? "single" : "paired");

	/* Every packet of every file was read. */
	json_array_foreach(inputs, i, v)
	{
		const char *role = str_or(v, "role", "?");
		const char *trole = single ? single : role;
		json_int_t want = int_or(json_object_get(files, trole), "packets");
		if (want != int_or(v, "packets"))
			mismatch("input %s packets: report %lld, truth %lld", role,
			         (long long)int_or(v, "packets"), (long long)want);
	}
	if (json_array_size(inputs) != (single ? 1u : 2u))
		mismatch("report has %zu inputs, expected %d", json_array_size(inputs),
		         single ? 1 : 2);

	/* Index the report's tunnels by the inside (or single) side's identity. */
	map = json_object();
	json_array_foreach(rtun, i, v)
	{
		char key[128];
		key_of(key, sizeof(key), json_object_get(v, single ? "capture" : "inside"));
		json_object_set_new(map, key, json_integer((json_int_t)i));
	}
	json_array_foreach(ttun, i, v)
	{
		const json_t *tside = json_object_get(v, single ? single : "inside");
		const json_t *r;
		char key[128], name[32];
		if (!tside || json_is_null(tside))
			continue; /* not in this capture: the report cannot know it */
		key_of(key, sizeof(key), tside);
		snprintf(name, sizeof(name), "%lld", (long long)int_or(v, "id"));
		r = json_object_get(map, key);
		if (!r) {
			mismatch("tunnel %s (%s) not in the report", name, key);
			continue;
		}
		found++;
		r = json_array_get(rtun, (size_t)json_integer_value(r));
		if (single) {
			compare_side(name, single, tside, json_object_get(r, "capture"), &gre[0]);
		} else {
			compare_side(name, "inside", tside, json_object_get(r, "inside"), &gre[0]);
			compare_side(name, "outside", json_object_get(v, "outside"),
			             json_object_get(r, "outside"), &gre[1]);
		}
	}
	if (json_array_size(rtun) != found)
		mismatch("report lists %zu tunnels, %zu of them in the truth",
		         json_array_size(rtun), found);
	if (!strcmp(str_or(truth, "defect", ""), "none") &&
	    strcmp(str_or(report, "verdict", ""), "pass"))
		mismatch("verdict \"%s\" on a healthy capture", str_or(report, "verdict", "?"));
	json_decref(map);
	if (mismatches) {
		printf("verify: FAILED: %d mismatches\n", mismatches);
		rc = 1;
	} else if (single) {
		printf("verify: OK: %zu tunnels, %lld GRE packets match the truth\n", found,
		       gre[0]);
	} else {
		printf(
		    "verify: OK: %zu tunnels, %lld inside and %lld outside GRE packets match the "
		    "truth\n",
		    found, gre[0], gre[1]);
	}
out:
	json_decref(truth);
	json_decref(report);
	return rc;
}
