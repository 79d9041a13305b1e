/*
 * The whole analysis as main runs it, for the suites that judge captures
 * (simulated, crafted or read from files): two sides fed, correlation,
 * verdict, and the report over them.
 */
#ifndef PPTP_NATCHECK_TEST_ANALYSIS_H
#define PPTP_NATCHECK_TEST_ANALYSIS_H

#include "correlate.h"
#include "finding_text.h"
#include "report.h"
#include "sim.h"
#include "testutil.h"
#include "verdict.h"

struct run {
	struct side in, out; /* out only when paired */
	bool paired;
	struct correlation corr;
	struct verdict v;
	struct report r;
};

/* Sides of a paired (or single) run, ready to be fed. */
static inline void
run_init(struct run *r, bool paired)
{
	memset(r, 0, sizeof(*r));
	r->paired = paired;
	ck_assert(side_init(&r->in, paired ? SIDE_INSIDE : SIDE_SINGLE, NULL));
	if (paired)
		ck_assert(side_init(&r->out, SIDE_OUTSIDE, NULL));
}

/* Finish the sides, correlate and judge; the report looks at all of it. */
static inline void
run_judge(struct run *r, const struct verdict_options *opt)
{
	struct side *out = r->paired ? &r->out : NULL;

	side_finish(&r->in);
	if (out != NULL)
		side_finish(out);
	ck_assert(correlate(&r->in, out, NULL, &r->corr));
	ck_assert(verdict_judge(&r->in, out, &r->corr, opt, &r->v));
	r->r = (struct report){&r->in, out, &r->corr, &r->v, false, NULL};
}

/* A simulated NAT (tests/sim.h): nclients, flags, gre packets each way. */
static inline void
run_sim_with(struct run *r, unsigned nclients, unsigned flags, unsigned gre,
             const struct verdict_options *opt, void (*tweak)(struct sim *))
{
	struct sim s;

	run_init(r, true);
	sim_init(&s, &r->in, &r->out, nclients, flags);
	if (tweak != NULL)
		tweak(&s);
	sim_run(&s, gre);
	run_judge(r, opt);
}

/* The simulated NAT with n clients, 5 GRE packets each way, default options. */
static inline void
run_nat(struct run *r, unsigned nclients, unsigned flags)
{
	struct verdict_options opt = {false, 0};

	run_sim_with(r, nclients, flags, 5, &opt, NULL);
}

static inline void
run_free(struct run *r)
{
	verdict_free(&r->v);
	correlation_free(&r->corr);
	side_free(&r->in);
	if (r->paired)
		side_free(&r->out);
}

/* The first finding of a code, NULL when none. */
static inline const struct finding *
run_find(const struct verdict *v, enum code code)
{
	uint32_t i;

	for (i = 0; i < v->nfindings; i++)
		if (v->findings[i].code == code)
			return &v->findings[i];
	return NULL;
}

/* A finding's sentence as every report words it (one buffer: read it before
 * the next call). */
static inline const char *
run_text(const struct finding *f)
{
	static char buf[FINDING_TEXT_LEN];

	return finding_text(f, buf, sizeof(buf));
}

/* An evidence frame's label as every report words it (one buffer, as run_text). */
static inline const char *
run_label(const struct evidence *e)
{
	static char buf[EVIDENCE_TEXT_LEN];

	return evidence_text(e, buf, sizeof(buf));
}

static inline unsigned
run_count(const struct verdict *v, enum code code)
{
	uint32_t i;
	unsigned n = 0;

	for (i = 0; i < v->nfindings; i++)
		n += v->findings[i].code == code;
	return n;
}

#endif
