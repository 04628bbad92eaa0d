/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_job.c - a probe command as a job (cli_job.h): made from its line,
 * run once by the command itself.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "cli_job.h"

int
cli_job_new(int argc, char **argv, struct cli_job **out)
{
	*out = NULL;
	if (argc < 1) {
		cli_err("no command");
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "pop3") == 0)
		return cli_pop3_job(argc, argv, out);
	if (strcmp(argv[0], "smtp") == 0)
		return cli_smtp_job(argc, argv, out);
	if (strcmp(argv[0], "roundtrip") == 0)
		return cli_roundtrip_job(argc, argv, out);
	cli_err("\"%s\" is not a probe command (pop3, smtp, roundtrip)",
	    argv[0]);
	return EXIT_USAGE;
}

void
cli_job_key(struct cli_job_key *k, const struct cli_target *t)
{
	/* A domain whose servers are found (MX, SRV): its label. */
	if (t->host[0] == '\0' || t->c.port == 0 ||
	    strncmp(t->url, "srv:", 4) == 0)
		snprintf(k->server, sizeof(k->server), "%s", t->url);
	else
		snprintf(k->server, sizeof(k->server),
		    strchr(t->host, ':') != NULL ? "[%s]:%u" : "%s:%u",
		    t->host, t->c.port);
	k->login[0] = '\0';
	if (t->user[0] != '\0')
		snprintf(k->login, sizeof(k->login), "%.255s@%.330s", t->user,
		    k->server);
}

void
cli_job_init(struct cli_job *j, const struct cli_job_ops *ops,
    struct cli_common *com, const char *proto, const char *target, int argc,
    char **argv)
{
	j->ops = ops;
	j->com = com;
	j->proto = proto;
	j->target = target;
	cli_common_init(com);
	com->argc = argc - 1;
	com->argv = argv + 1;
}

int
cli_job_command(int (*make)(int, char **, struct cli_job **), int argc,
    char **argv)
{
	struct cli_job	*j;

	if (make(argc, argv, &j) != 0)
		return EXIT_USAGE;
	return cli_job_main(j);
}

int
cli_job_main(struct cli_job *j)
{
	struct cli_run	run;
	int		status;

	if ((status = cli_run_begin(&run, j->com, j->proto, j->target)) == 0)
		status = cli_run_end(&run, j->ops->session(j, &run));
	j->ops->free(j);
	return status;
}
