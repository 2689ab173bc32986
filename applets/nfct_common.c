/* What nfct's subsystems share: their error messages. */
#include "lib/err.h"
#include "nfct.h"

int nfct_nl_error(int err)
{
	warn_msg("netlink error: %s", err_str(err < 0 ? -err : err));
	return 1;
}

int nfct_fail(const char *msg)
{
	warn_msg("%s", msg);
	return 1;
}
