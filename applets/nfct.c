/* nfct applet: not built yet. */
#include <stdio.h>
#include "applets.h"
int nfct_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nfct: this applet is not built into this ctbox yet\n");
	return 1;
}
