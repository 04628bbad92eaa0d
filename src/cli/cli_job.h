/*
 * cli_job.h - a probe command (pop3, smtp, roundtrip) as a job: its
 * command line parsed, its password read, its message made; then one
 * session on a run.  The command itself runs one job once
 * (cli_job_main()); batch makes one per line and session, so that a
 * session in a batch is the same code as on its own.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_JOB_H
#define MT_CLI_CLI_JOB_H

#include <stddef.h>

#include "cli_common.h"

#define CLI_JOB_KEY_HARD	600	/* "user@host:port", "mx:domain" */
#define CLI_JOB_KEYS		2	/* roundtrip: the SMTP and POP3 servers */

/* A server the job talks to, for batch's limits. */
struct cli_job_key {
	char	 server[CLI_JOB_KEY_HARD];	/* "host:port"; "mx:DOMAIN" */
	char	 login[CLI_JOB_KEY_HARD];	/* "user@host:port"; "": none */
};

struct cli_job;

struct cli_job_ops {
	/*
	 * One session on run (begun for the job's proto and target): its
	 * records, its failure said on stderr; 0 or EXIT_SESSION.
	 */
	int	(*session)(struct cli_job *, struct cli_run *);
	/* Wipe the secrets and free the job. */
	void	(*free)(struct cli_job *);
};

struct cli_job {
	const struct cli_job_ops *ops;
	struct cli_common	*com;		/* its options (level, store, ...) */
	const char		*proto;		/* "pop3", recorded with the run */
	const char		*target;	/* recorded: never a secret */
	struct cli_job_key	 key[CLI_JOB_KEYS];
	size_t			 nkey;
};

/*
 * Parse a probe command's line (argv[0] its name: "pop3", "smtp" or
 * "roundtrip") into a new job: options, target, password, message.
 * 0, or EXIT_USAGE with the reason said on stderr.  -h prints the
 * command's usage and exits.
 */
int	cli_job_new(int argc, char **argv, struct cli_job **out);
int	cli_pop3_job(int argc, char **argv, struct cli_job **out);
int	cli_smtp_job(int argc, char **argv, struct cli_job **out);
int	cli_roundtrip_job(int argc, char **argv, struct cli_job **out);
/*
 * What every job starts with: its ops, its options (cli_common_init(),
 * with argv[1..argc-1] as the run's arguments), proto and target.
 */
void	cli_job_init(struct cli_job *, const struct cli_job_ops *,
	    struct cli_common *, const char *proto, const char *target,
	    int argc, char **argv);
/* A probe command: make(argc, argv) its job, then cli_job_main(). */
int	cli_job_command(int (*make)(int, char **, struct cli_job **),
	    int argc, char **argv);
/* Fill a key from a target: its host:port and user (t->user "" : none). */
void	cli_job_key(struct cli_job_key *, const struct cli_target *);
/*
 * The command on its own: the run begun in the job's store, one session,
 * the run ended (cli_run_begin(), cli_run_end()); the job freed.  The
 * process's exit status.
 */
int	cli_job_main(struct cli_job *);

#endif
