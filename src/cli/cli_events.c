/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_events.c - mailtrace events: the catalog, anomalies and exception
 * mapping, straight from events/.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "ev.h"
#include "mt.h"

static const struct {
	const char	*name;
	int		 rc;
	const char	*cls;
	const char	*desc;
} exc[] = {
#define X(code, rc, cls, desc)	{ #code, rc, cls, desc },
#include "exceptions.def"
#undef X
};

int
cli_events(int argc, char **argv)
{
	const struct ev_info	*ev;
	size_t			 n, i;

	if (argc > 1) {
		if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
			puts("usage: mailtrace events\n\nLists the trace event "
			    "catalog (id, level, name, collection point; * marks\n"
			    "mailtrace's own assignment), the named anomalies, "
			    "and the failure classes\nwith their rc and Java "
			    "exception class.");
			return 0;
		}
		cli_err("events: unexpected argument \"%s\"", argv[1]);
		return EXIT_USAGE;
	}
	ev = ev_catalog(&n);
	printf("# events: id level name point (* = assigned by mailtrace)\n");
	for (i = 0; i < n; i++)
		printf("0x%04X %c %-22s %s%s\n", ev[i].id, ev[i].level,
		    ev[i].name, ev[i].confirmed ? "" : "* ", ev[i].point);
	printf("\n# anomalies: name description\n");
	for (i = 1; i < AN__COUNT; i++)
		printf("%-24s %s\n", an_name((enum an)i), an_desc((enum an)i));
	printf("\n# failures: rc class exception description\n");
	for (i = 0; i < sizeof(exc) / sizeof(exc[0]); i++)
		printf("%-2d %-11s %-42s %s\n", exc[i].rc, exc[i].name,
		    exc[i].cls[0] ? exc[i].cls : "-", exc[i].desc);
	return 0;
}
