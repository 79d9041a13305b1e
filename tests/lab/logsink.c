/* A private syslog for one real PPTP peer: binds a Unix datagram socket (the peer's /dev/log,
 * bind-mounted into its own mount namespace) and appends every message to a file, one line
 * each, prefixed with the wall-clock time of arrival:
 *
 *   logsink SOCKET FILE DEADLINE_SECONDS
 *
 * pptpd, pptpctrl and pptp log only through syslog(3); their logs are the lab's ground truth
 * for what they sent and received. Stops at SIGTERM or the deadline; removes its socket.
 */
#include "lab.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>

#define PROG "logsink"
/* A syslog datagram: glibc sends at most a few hundred bytes for these peers' messages. */
#define SINK_MSG_MAX 2048

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct sigaction sa = {.sa_handler = on_signal};
	double until;
	FILE *out;
	int fd;

	if (argc != 4 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: " PROG " SOCKET FILE DEADLINE_SECONDS\n");
		return 2;
	}
	until = lab_mono() + (double)lab_num(PROG, argv[3], 1, 600);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	out = fopen(argv[2], "a");
	if (!out)
		lab_die(PROG, "%s: %s", argv[2], strerror(errno));
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd < 0)
		lab_die(PROG, "socket: %s", strerror(errno));
	memcpy(sun.sun_path, argv[1], strlen(argv[1]));
	unlink(argv[1]);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
		lab_die(PROG, "bind %s: %s", argv[1], strerror(errno));
	chmod(argv[1], 0666);
	while (!stop && lab_mono() < until) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		char msg[SINK_MSG_MAX];
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, msg, sizeof(msg) - 1, 0);
		if (n <= 0)
			continue;
		while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\0'))
			n--;
		msg[n] = '\0';
		/* One line per message, whatever the message holds. */
		for (ssize_t i = 0; i < n; i++)
			if (msg[i] == '\n')
				msg[i] = ' ';
		fprintf(out, "%.6f %s\n", lab_wall(), msg);
		fflush(out);
	}
	fclose(out);
	unlink(argv[1]);
	return 0;
}
