/*
 * SPDX-License-Identifier: BSD-2-Clause
 * cli_mon.c - the monitoring options (--nagios, thresholds, --prom-file)
 * and Nagios mode for the process.
 */
#include "cli_mon.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char	*nagios_service;
static char		 nagios_msg[512];
static bool		 nagios_printed;

void
cli_mon_init(struct cli_mon *m)
{
	memset(m, 0, sizeof(*m));
}

int
cli_mon_opt(struct cli_mon *m, int ch, const char *arg)
{
	struct mt_err	err;
	int		rc = 0;

	mt_err_clear(&err);
	switch (ch) {
	case CLI_MON_BASE + 0:
		m->nagios = true;
		return 1;
	case 'w':
		rc = mon_range_parse(arg, &m->th.warn, &err);
		break;
	case 'c':
		rc = mon_range_parse(arg, &m->th.crit, &err);
		break;
	case CLI_MON_BASE + 1:
	case CLI_MON_BASE + 2:
		rc = mon_step_th_add(&m->th, arg, ch == CLI_MON_BASE + 2, &err);
		break;
	case CLI_MON_BASE + 3:
		rc = mon_cert_days_parse(&m->th, arg, &err);
		break;
	case CLI_MON_BASE + 4:
		if (*arg == '\0') {
			cli_err("--prom-file: the file name is empty");
			return -1;
		}
		m->prom_file = arg;
		return 1;
	default:
		return 0;
	}
	if (rc != 0) {
		if (ch == 'w' || ch == 'c')
			cli_err("--%s: %s", ch == 'w' ? "warning" : "critical",
			    err.msg);
		else
			cli_err("%s", err.msg);
		return -1;
	}
	m->th_given = true;
	return 1;
}

int
cli_mon_check(const struct cli_mon *m, bool format_given)
{
	if (m->th_given && !m->nagios) {
		cli_err("-w, -c, --step-warning, --step-critical and "
		    "--cert-days go with --nagios");
		return -1;
	}
	if (m->nagios && format_given) {
		cli_err("--nagios prints the plugin's output; --format does "
		    "not go with it");
		return -1;
	}
	return 0;
}

int
cli_prom_write(const char *path, const struct mon_run *m)
{
	struct mt_err	 err;
	char		 tmp[4096];
	FILE		*f;
	int		 rc, fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    (int)sizeof(tmp)) {
		cli_err("--prom-file: the path is too long");
		return -1;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		cli_err("--prom-file: %s: %s", tmp, strerror(errno));
		return -1;
	}
	mt_err_clear(&err);
	rc = mon_prom(m, f, &err);
	if (rc == 0 && (fflush(f) != 0 || (fd = fileno(f)) < 0 ||
	    fsync(fd) != 0)) {
		rc = -1;
		snprintf(err.msg, sizeof(err.msg), "%s", strerror(errno));
	}
	if (fclose(f) != 0 && rc == 0) {
		rc = -1;
		snprintf(err.msg, sizeof(err.msg), "%s", strerror(errno));
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = -1;
		snprintf(err.msg, sizeof(err.msg), "renaming it to %s: %s",
		    path, strerror(errno));
	}
	if (rc != 0) {
		(void)unlink(tmp);
		cli_err("--prom-file: %s: %s", tmp, err.msg);
		return -1;
	}
	return 0;
}

void
cli_nagios_mode(const char *service)
{
	nagios_service = service;
	nagios_msg[0] = '\0';
	nagios_printed = false;
}

const char *
cli_nagios_service(void)
{
	return nagios_service;
}

void
cli_nagios_note(const char *msg)
{
	if (nagios_service != NULL && nagios_msg[0] == '\0')
		mon_plugin_text(msg, nagios_msg, sizeof(nagios_msg));
}

const char *
cli_nagios_msg(void)
{
	return nagios_msg;
}

void
cli_nagios_long(FILE *f)
{
	char	line[4096], clean[4096];
	size_t	n;

	rewind(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\n");
		line[n] = '\0';
		mon_plugin_text(line, clean, sizeof(clean));
		printf("%s\n", clean);
	}
}

void
cli_nagios_printed(void)
{
	nagios_printed = true;
}

int
cli_nagios_finish(int status)
{
	/* 0 without a plugin line: --help or --version. */
	if (nagios_service == NULL || nagios_printed || status == 0)
		return status;
	printf("%s UNKNOWN - %s\n", nagios_service, nagios_msg[0] != '\0' ?
	    nagios_msg : "the check did not run");
	fflush(stdout);
	return MON_UNKNOWN;
}
