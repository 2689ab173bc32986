/* conf_check FILE...: load each conntrackd.conf with conf_load() and say
 * what the daemon would: "[warning] ..." lines, then "[ERROR] ..." and
 * exit 1, or "accepted" and exit 0.  Built by
 * tests/integration/conntrackd/10_config.t against libctbox.a, while the
 * conntrackd applet cannot load a config yet. */
#include <stdio.h>

#include "config/conf.h"

int main(int argc, char **argv)
{
	struct conf_error err;
	struct conf c;
	int i, rc = 0;
	unsigned int w;
	char buf[CONF_MSG_LEN + 400];

	for (i = 1; i < argc; i++) {
		int r = conf_load(argv[i], &c, &err);

		for (w = 0; w < err.nwarn; w++)
			printf("[warning] %s\n", err.warn[w].text);
		if (r < 0) {
			conf_error_format(&err, NULL, buf, sizeof(buf));
			printf("[ERROR] %s\n", buf);
			conf_error_format(&err, argv[i], buf, sizeof(buf));
			printf("# %s (%d error%s)\n", buf, err.count,
			       err.count == 1 ? "" : "s");
			rc = 1;
			continue;
		}
		printf("accepted: mode=%s sync=%s channels=%u/%s\n",
		       c.mode == CONF_MODE_SYNC ? "sync" : "stats",
		       conf_sync_mode_name(c.sync.mode), c.sync.nchannels,
		       conf_transport_name(c.sync.transport));
		conf_free(&c);
	}
	return rc;
}
