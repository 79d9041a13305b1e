/*
 * Control-connection suite: PPTP messages framed by Length over TCP,
 * whatever the segmentation (several per segment, one split over many,
 * out of order, retransmitted), resynchronised after garbage or a gap.
 */
#include "pktbuild.h"
#include "testutil.h"

static const struct pb_ip pns = {{10, 0, 0, 2}}, pac = {{10, 0, 0, 1}};

/* SCCRQ, OCRQ (Call ID 256), as the client sends them: one byte string. */
static size_t
client_bytes(uint8_t *buf)
{
	size_t n = pb_pptp(buf, PPTP_SCCRQ, 0, 0, 0, 0);

	n += pb_pptp(buf + n, PPTP_OCRQ, 256, 0, 9, 0);
	return n;
}

static void
server_reply(struct pb_feed *fd, uint16_t pac_id)
{
	uint8_t m[256];
	size_t n = pb_pptp(m, PPTP_OCRP, pac_id, 256, 0, 1);

	pb_feed_tcp(fd, pac, TCP_PORT_PPTP, pns, 40000, 7001, TCP_ACK, m, n);
}

static void
assert_one_call(const struct side *s)
{
	const struct call *c;

	ck_assert_uint_eq(s->tunnels.ncalls, 1);
	c = &s->tunnels.calls[0];
	ck_assert_uint_eq(c->pns_call_id, 256);
	ck_assert_uint_eq(c->serial, 9);
	ck_assert_uint_eq(c->pac_call_id, 4242);
	ck_assert_int_eq(c->state, CALL_ESTABLISHED);
	ck_assert(addr_eq(&c->pns, &(struct addr){4, {10, 0, 0, 2}}));
	ck_assert_str_eq(s->tunnels.conns[0].hostname, "testhost");
}

/* Split the client's bytes into segments of `step` bytes (loop over steps). */
START_TEST(any_segmentation)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes), off;
	size_t step = (size_t)_i;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	pb_feed_tcp(&fd, pac, TCP_PORT_PPTP, pns, 40000, 7000, TCP_SYN | TCP_ACK, NULL, 0);
	for (off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;

		pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, (uint32_t)(100 + off), TCP_ACK,
		            bytes + off, k);
	}
	server_reply(&fd, 4242);
	side_finish(&s);
	assert_one_call(&s);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_TCP_GAP), 0);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_PPTP_RESYNC), 0);
	{
		/* Messages a segment boundary falls inside are counted as split
		 * (an editor reading one message per segment misses them). */
		uint8_t scratch[512];
		size_t ends[2], starts[2] = {0, 0};
		uint32_t want = 0;
		int m;

		starts[1] = ends[0] = pb_pptp(scratch, PPTP_SCCRQ, 0, 0, 0, 0);
		ends[1] = n;
		for (m = 0; m < 2; m++)
			want += starts[m] / step != (ends[m] - 1) / step;
		ck_assert_uint_eq(s.tunnels.conns[0].split_messages, want);
	}
	side_free(&s);
}
END_TEST

START_TEST(reverse_order_segments)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes), off;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	/* 16-byte segments, last first. */
	for (off = (n - 1) / 16 * 16 + 16; off > 0; off -= 16) {
		size_t start = off - 16, k = n - start < 16 ? n - start : 16;

		pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, (uint32_t)(100 + start), TCP_ACK,
		            bytes + start, k);
	}
	server_reply(&fd, 4242);
	side_finish(&s);
	assert_one_call(&s);
	side_free(&s);
}
END_TEST

START_TEST(retransmission_and_duplicates)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes);

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, bytes, n);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, bytes, n);
	server_reply(&fd, 4242);
	server_reply(&fd, 4242);
	side_finish(&s);
	assert_one_call(&s);
	ck_assert_uint_eq(s.tunnels.calls[0].nmsgs, 2);
	ck_assert_uint_eq(s.tunnels.conns[0].split_messages, 0);
	side_free(&s);
}
END_TEST

/* A capture that starts in the middle of a message: resync on the cookie. */
START_TEST(mid_stream_start)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes);

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	/* From byte 50 of the SCCRQ on: the OCRQ after it must still be found. */
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 150, TCP_ACK, bytes + 50, n - 50);
	server_reply(&fd, 4242);
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 1);
	ck_assert_uint_eq(s.tunnels.calls[0].pns_call_id, 256);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_CONTROL_MIDSTREAM), 1);
	side_free(&s);
}
END_TEST

/* A lost segment: the message across it is dropped, the next one found. */
START_TEST(gap_is_reported_not_guessed)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[1024];
	size_t n = client_bytes(bytes);
	size_t m = pb_pptp(bytes + n, PPTP_SLI, 0, 4242, 0, 0);

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	/* SCCRQ whole, then the first 40 bytes of the OCRQ lost. */
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, bytes, 156);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100 + 156 + 40, TCP_ACK, bytes + 196,
	            n + m - 196);
	side_finish(&s);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_TCP_GAP), 1);
	ck_assert_uint_eq(s.tunnels.ncalls, 0); /* the OCRQ was in the gap */
	ck_assert(side_damaged(&s, DAMAGE_ANY));
	side_free(&s);
}
END_TEST

/* PPTP on another port is recognised by its header. */
START_TEST(nonstandard_port)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes);

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, 8443, 100, TCP_ACK, bytes, n);
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 1);
	ck_assert_uint_eq(s.tunnels.conns[0].server_port, 8443);
	side_free(&s);
}
END_TEST

/* Non-PPTP traffic on other ports never creates a connection. */
START_TEST(other_tcp_ignored)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t junk[300];

	memset(junk, 'x', sizeof(junk));
	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, 80, 100, TCP_ACK, junk, sizeof(junk));
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.nconns, 0);
	side_free(&s);
}
END_TEST

/* Garbage on port 1723 is given up on after CONTROL_GIVE_UP_BYTES. */
START_TEST(garbage_on_1723)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t junk[1000];
	uint32_t seq = 100;
	int i;

	memset(junk, 'x', sizeof(junk));
	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	for (i = 0; i < 10; i++, seq += sizeof(junk))
		pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, seq, TCP_ACK, junk, sizeof(junk));
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 0);
	/* No SYN seen: joining mid-stream, not damage. */
	ck_assert_uint_eq(diag_count(&s.diag, CODE_CONTROL_MIDSTREAM), 1);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_PPTP_RESYNC), 0);
	ck_assert(!side_damaged(&s, DAMAGE_ANY));
	side_free(&s);
}
END_TEST

/* Seen from its SYN, a stream that is not PPTP has lost its framing: damage. */
START_TEST(garbage_after_syn)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t junk[100];

	memset(junk, 'x', sizeof(junk));
	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, junk, sizeof(junk));
	side_finish(&s);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_PPTP_RESYNC), 1);
	ck_assert(side_damaged(&s, DAMAGE_ANY));
	side_free(&s);
}
END_TEST

/* The same 4-tuple reused by a new connection (new ISN): a second call. */
START_TEST(port_reuse_is_a_new_connection)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t bytes[512];
	size_t n = client_bytes(bytes);

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, bytes, n);
	server_reply(&fd, 4242);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100 + (uint32_t)n, TCP_FIN | TCP_ACK, NULL,
	            0);
	pb_feed_tcp(&fd, pac, TCP_PORT_PPTP, pns, 40000, 7033, TCP_FIN | TCP_ACK, NULL, 0);
	/* Same ports, a new ISN far away in sequence space. */
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 0x90000000u, TCP_SYN, NULL, 0);
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 0x90000001u, TCP_ACK, bytes, n);
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.nconns, 2);
	ck_assert_uint_eq(s.tunnels.ncalls, 2);
	ck_assert_int_eq(s.tunnels.calls[0].state, CALL_CLOSED);
	ck_assert_uint_eq(s.tunnels.calls[1].conn, 1);
	side_free(&s);
}
END_TEST

/* Messages from one side of a connection, one segment each. */
static void
send_msgs(struct pb_feed *fd, bool from_pns, uint32_t *seq, const uint8_t *m, size_t n)
{
	if (from_pns)
		pb_feed_tcp(fd, pns, 40000, pac, TCP_PORT_PPTP, *seq, TCP_ACK, m, n);
	else
		pb_feed_tcp(fd, pac, TCP_PORT_PPTP, pns, 40000, *seq, TCP_ACK, m, n);
	*seq += (uint32_t)n;
}

/* ICRQ from the PAC, ICRP from the PNS, ICCN: an incoming call and its GRE. */
START_TEST(incoming_call)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t m[256], ppp[8] = {0xff, 0x03, 0xc0, 0x21, 1, 1, 0, 4};
	uint32_t cseq = 100, sseq = 7000;
	const struct call *c;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_SCCRQ, 0, 0, 0, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_ICRQ, 0x4a01, 0, 33, 0));
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_ICRP, 300, 0x4a01, 0, 1));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_ICCN, 0, 300, 0, 0));
	pb_feed_gre(&fd, pns, pac, 0x4a01, 0, 0, ppp, sizeof(ppp), false);
	pb_feed_gre(&fd, pac, pns, 300, 0, 1, ppp, sizeof(ppp), false);
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 1);
	c = &s.tunnels.calls[0];
	ck_assert_int_eq(c->kind, CALL_INCOMING);
	ck_assert_int_eq(c->state, CALL_ESTABLISHED);
	ck_assert_uint_eq(c->pac_call_id, 0x4a01);
	ck_assert_uint_eq(c->pns_call_id, 300);
	ck_assert_uint_eq(c->serial, 33);
	ck_assert_uint_eq(c->nmsgs, 3);
	ck_assert_uint_eq(c->to_pac.packets, 1);
	ck_assert_uint_eq(c->to_pns.packets, 1);
	ck_assert_uint_eq(c->to_pac.lcp_conf_req, 1);
	ck_assert(addr_eq(&c->pns, &(struct addr){4, {10, 0, 0, 2}}));
	side_free(&s);
}
END_TEST

/* A refused call is no tunnel; the Call ID cleared and used again is a new one. */
START_TEST(refused_then_reused)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t m[256];
	uint32_t cseq = 100, sseq = 7000;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	pb_feed_tcp(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0);
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_OCRQ, 256, 0, 1, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_OCRP, 0, 256, 0, 7)); /* do not accept */
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_OCRQ, 256, 0, 2, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_OCRP, 5, 256, 0, 1));
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_CCRQ, 256, 0, 0, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_CDN, 5, 0, 0, 0));
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_OCRQ, 256, 0, 3, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_OCRP, 6, 256, 0, 1));
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 3);
	ck_assert_int_eq(s.tunnels.calls[0].state, CALL_REFUSED);
	ck_assert(!call_is_tunnel(&s.tunnels.calls[0]));
	ck_assert_uint_eq(s.tunnels.calls[0].result, 7);
	ck_assert_int_eq(s.tunnels.calls[1].state, CALL_DISCONNECTED);
	ck_assert_uint_eq(s.tunnels.calls[1].pac_call_id, 5);
	ck_assert_int_eq(s.tunnels.calls[2].state, CALL_ESTABLISHED);
	ck_assert_uint_eq(s.tunnels.calls[2].pac_call_id, 6);
	ck_assert_uint_eq(s.tunnels.calls[2].serial, 3);
	/* The second use of 256 did not collide with the cleared first one. */
	ck_assert_uint_eq(s.tunnels.ncollisions, 0);
	side_free(&s);
}
END_TEST

/* Two calls at once on one connection, each with its own GRE. */
START_TEST(two_calls_one_connection)
{
	struct side s;
	struct pb_feed fd = {&s, 0, NS_PER_SEC};
	uint8_t m[256], ppp[4] = {0xff, 0x03, 0x00, 0x21};
	uint32_t cseq = 100, sseq = 7000;

	ck_assert(side_init(&s, SIDE_SINGLE, NULL));
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_OCRQ, 256, 0, 1, 0));
	send_msgs(&fd, true, &cseq, m, pb_pptp(m, PPTP_OCRQ, 257, 0, 2, 0));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_OCRP, 11, 257, 0, 1));
	send_msgs(&fd, false, &sseq, m, pb_pptp(m, PPTP_OCRP, 10, 256, 0, 1));
	pb_feed_gre(&fd, pac, pns, 256, 0, 0, ppp, sizeof(ppp), false);
	pb_feed_gre(&fd, pac, pns, 257, 0, 0, ppp, sizeof(ppp), false);
	pb_feed_gre(&fd, pac, pns, 257, 1, 0, ppp, sizeof(ppp), false);
	side_finish(&s);
	ck_assert_uint_eq(s.tunnels.ncalls, 2);
	ck_assert_uint_eq(s.tunnels.calls[0].pac_call_id, 10);
	ck_assert_uint_eq(s.tunnels.calls[1].pac_call_id, 11);
	ck_assert_uint_eq(s.tunnels.calls[0].to_pns.packets, 1);
	ck_assert_uint_eq(s.tunnels.calls[1].to_pns.packets, 2);
	side_free(&s);
}
END_TEST

/* ---- copies weighed by their checksums ---- */

/* One TCP segment whose checksum is right, or wrong (not an offload pattern). */
static void
feed_tcp_checked(struct pb_feed *fd, struct pb_ip src, uint16_t sport, struct pb_ip dst,
                 uint16_t dport, uint32_t seq, uint8_t flags, const uint8_t *payload, size_t len,
                 bool right)
{
	uint8_t l4[PB_MAX], frame[PB_MAX], pseudo[12];
	size_t n = pb_tcp(l4, sport, dport, seq, flags, payload, len);
	uint32_t sum = 0;
	size_t i;
	uint16_t c;

	memcpy(pseudo, src.b, 4);
	memcpy(pseudo + 4, dst.b, 4);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pb_put16(pseudo + 10, (uint16_t)n);
	for (i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	c = inet_csum(l4, n, sum);
	pb_put16(l4 + 16, right ? c : (uint16_t)(c ^ 0x0101));
	pb_feed_frame(fd, frame, pb_frame(frame, src, dst, 6, l4, n, false));
}

/*
 * The client's OCRQ recorded twice: first a copy with its Call ID damaged,
 * then the clean retry.  damaged_checksum_right: the damaged copy's
 * checksum is right too, so nothing tells the copies apart.
 */
static void
run_damaged_ocrq(struct side *s, bool damaged_checksum_right)
{
	struct pb_feed fd = {s, 0, NS_PER_SEC};
	uint8_t bytes[512], bad[512];
	size_t n = client_bytes(bytes), sccrq = n - 168;

	ck_assert(side_init(s, SIDE_SINGLE, NULL));
	feed_tcp_checked(&fd, pns, 40000, pac, TCP_PORT_PPTP, 99, TCP_SYN, NULL, 0, true);
	feed_tcp_checked(&fd, pac, TCP_PORT_PPTP, pns, 40000, 7000, TCP_SYN | TCP_ACK, NULL, 0,
	                 true);
	feed_tcp_checked(&fd, pns, 40000, pac, TCP_PORT_PPTP, 100, TCP_ACK, bytes, sccrq, true);
	memcpy(bad, bytes + sccrq, n - sccrq);
	bad[13] ^= 0x5a; /* OCRQ Call ID 256 -> 346 */
	feed_tcp_checked(&fd, pns, 40000, pac, TCP_PORT_PPTP, (uint32_t)(100 + sccrq), TCP_ACK, bad,
	                 n - sccrq, damaged_checksum_right);
	feed_tcp_checked(&fd, pns, 40000, pac, TCP_PORT_PPTP, (uint32_t)(100 + sccrq), TCP_ACK,
	                 bytes + sccrq, n - sccrq, true);
	server_reply(&fd, 4242);
	side_finish(s);
}

START_TEST(damaged_copy_loses_to_verified_retry)
{
	struct side s;

	run_damaged_ocrq(&s, false);
	assert_one_call(&s);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_TCP_CONFLICT), 0);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_TCP_GAP), 0);
	ck_assert(!s.tunnels.conns[0].damaged);
	side_free(&s);
}
END_TEST

START_TEST(copies_that_both_verify_conflict)
{
	struct side s;

	run_damaged_ocrq(&s, true);
	ck_assert_uint_eq(diag_count(&s.diag, CODE_TCP_CONFLICT), 1);
	ck_assert(s.tunnels.conns[0].damaged);
	ck_assert_uint_eq(s.tunnels.calls[0].pns_call_id, 256 ^ 0x5a); /* the first copy won */
	side_free(&s);
}
END_TEST

static Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("framing");

	tcase_add_loop_test(tc, any_segmentation, 1, 200);
	tcase_add_test(tc, reverse_order_segments);
	tcase_add_test(tc, retransmission_and_duplicates);
	tcase_add_test(tc, mid_stream_start);
	tcase_add_test(tc, gap_is_reported_not_guessed);
	tcase_add_test(tc, nonstandard_port);
	tcase_add_test(tc, other_tcp_ignored);
	tcase_add_test(tc, garbage_on_1723);
	tcase_add_test(tc, port_reuse_is_a_new_connection);
	tcase_add_test(tc, garbage_after_syn);
	tcase_add_test(tc, incoming_call);
	tcase_add_test(tc, refused_then_reused);
	tcase_add_test(tc, two_calls_one_connection);
	tcase_add_test(tc, damaged_copy_loses_to_verified_retry);
	tcase_add_test(tc, copies_that_both_verify_conflict);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(control_suite)
