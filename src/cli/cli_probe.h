/*
 * cli_probe.h - the pop3 and smtp commands' options as functions: the
 * commands parse their command line with them, and the exporter each
 * module's options, once, at start-up (getopt is not thread-safe).
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_PROBE_H
#define MT_CLI_CLI_PROBE_H

#include <stdbool.h>

#include "cli_common.h"
#include "cli_job.h"
#include "probe.h"

/* (each begins with its job: a struct cli_job * is one of these) */
struct pop3_cli {
	struct cli_job		 job;
	struct cli_common	 com;
	struct cli_target	 t;
	struct pop3_opts	 o;
	bool			 srv;		/* --srv: the URL names a domain */
};

struct smtp_cli {
	struct cli_job		 job;
	struct cli_common	 com;
	struct cli_target	 t;
	struct smtp_opts	 o;
	const char		*data_file;
	char			 helo[SMTP_HELO_HARD + 1];
	bool			 from_set;
	uint8_t			*msg;
	char			 token[33];
	bool			 srv;		/* --srv: the URL names a domain */
	bool			 mx;		/* no URL: the --to domain's MX */
	bool			 mx_all;	/* --mx-all */
	uint16_t		 mx_port;	/* --mx-port; 0: 25 */
	char			 domain[DNS_NAME_HARD];	/* MX: --to's domain */
	char			 label[DNS_NAME_HARD + 8];	/* "mx:DOMAIN" */
};

/*
 * Parse the command's options (argv[0] its name; c set up with
 * cli_common_init()) into c, with getopt_long().  need_target: exactly
 * one target URL follows the options (parsed into c->t; with --srv it
 * names a domain), or for smtp none, the --to domain's MX (c->mx); else
 * none may (the exporter's requests name it; no --srv, --mx-*, --dns-*).  The common settings are applied to
 * c->t.c.  -1 with the message said on stderr.  -h prints the command's
 * usage and exits 0.
 */
int	cli_pop3_parse(struct pop3_cli *, int argc, char **argv,
	    bool need_target);
int	cli_smtp_parse(struct smtp_cli *, int argc, char **argv,
	    bool need_target);
/*
 * The EHLO name (--helo, else this host's name) into c->o.helo, and the
 * message: --data FILE read into c->msg, else a generated test message.
 * -1 with the message said.
 */
int	cli_smtp_message(struct smtp_cli *);

#endif
