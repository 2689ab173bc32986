/* conntrackd client mode: one request over the UNIX socket.  The daemon
 * answers with free text and closes; we copy it to stdout unchanged.
 * Exit 0 once the request was sent, whatever the daemon did (1.4.7). */
#include <errno.h>
#include <unistd.h>

#include "applets/conntrackd.h"
#include "config/conf.h"
#include "sync/ctl.h"
#include "sync/log.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int conntrackd_request(const struct conf *conf, int code)
{
	char buf[65536];
	ssize_t n;
	int fd;

	fd = ctl_connect(conf->general.unix_path);
	if (fd < 0) {
		log_err("can't connect: is conntrackd running? appropriate "
			"permissions?");
		return 1;
	}
	if (write_all(fd, (const char *)&code, sizeof(code)) < 0) {
		close(fd);
		return 1;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			break;
	}
	close(fd);
	return 0;
}
