/* conntrackd client mode: one request over the UNIX socket.  The daemon
 * answers with free text and closes; we copy it to stdout unchanged.
 * Exit 0 once the request was sent, whatever the daemon did (1.4.7). */
#include <errno.h>
#include <unistd.h>

#include "applets/conntrackd.h"
#include "config/conf.h"
#include "lib/err.h"
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
	int fd, werr = 0;

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
		werr = write_all(STDOUT_FILENO, buf, (size_t)n);
		if (werr < 0)
			break;
	}
	close(fd);
	/* the answer could not be passed on: say so (a closed pipe aside) */
	if (werr < 0 && werr != -EPIPE)
		log_err("write error: %s", err_str(-werr));
	return werr < 0;
}
