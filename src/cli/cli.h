/*
 * cli.h - the subcommands.  Each returns the process exit status:
 * 0 success, 1 the session failed at some step, 2 usage or configuration.
 * SPDX-License-Identifier: BSD-2-Clause
 */
#ifndef MT_CLI_CLI_H
#define MT_CLI_CLI_H

#define EXIT_SESSION	1
#define EXIT_USAGE	2

int	cli_pop3(int, char **);
int	cli_smtp(int, char **);
int	cli_roundtrip(int, char **);
int	cli_decode(int, char **);
int	cli_show(int, char **);
int	cli_runs(int, char **);
int	cli_stats(int, char **);
int	cli_baseline(int, char **);
int	cli_diff(int, char **);	/* diff and check */
int	cli_events(int, char **);
int	cli_report(int, char **);
int	cli_exporter(int, char **);
int	cli_batch(int, char **);
#define CLI_ERR_MAX	4096	/* bytes of one error message */

/*
 * "mailtrace: " + message on stderr, on one line: bytes that are not
 * printable ASCII (CR, LF in a user's argument) are escaped as by
 * mt_show(), so callers echo arguments as they are.
 */
void	cli_err(const char *, ...) __attribute__((format(printf, 1, 2)));
/*
 * Put where() (printable text, e.g. "batch line 3, run 12: "; "" for
 * none) after "mailtrace: " in every message from now on; NULL: nothing.
 */
void	cli_err_context(const char *(*where)(void));
/* Parse a non-negative integer option value in [min, max]. */
int	cli_number(const char *opt, const char *s, long long min,
	    long long max, long long *out);

#endif
