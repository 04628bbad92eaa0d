/*
 * SPDX-License-Identifier: BSD-2-Clause
 * prom.c - a run's summary as Prometheus metrics, text exposition format
 * 0.0.4 (docs/monitoring.md lists every metric and label).  Names follow
 * Prometheus practice: one mailtrace_ prefix, base units (seconds, bytes),
 * no label of high cardinality (a step's label, a status word, an
 * exception class, a TLS version or cipher are small sets; a queue id, a
 * reply text or a certificate subject never become labels).
 */
#include "mon.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

/* A label value, escaped as the format wants (\\, \", \n). */
static void
put_label(FILE *out, const char *v)
{
	for (; *v != '\0'; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(out, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", out);
		else
			fputc(*v, out);
	}
}

static void
head(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The numeric reply code of an SMTP step ("250"); -1 otherwise. */
static int
reply_code(const char *opr)
{
	if (strlen(opr) == 3 && opr[0] >= '1' && opr[0] <= '5' &&
	    mt_isdigit((unsigned char)opr[1]) &&
	    mt_isdigit((unsigned char)opr[2]))
		return (opr[0] - '0') * 100 + (opr[1] - '0') * 10 +
		    (opr[2] - '0');
	return -1;
}

int
mon_prom(const struct mon_run *m, FILE *out, struct mt_err *err)
{
	size_t	i;
	bool	any;

	head(out, "mailtrace_probe_success", "gauge",
	    "1 when every step of the session succeeded, 0 when one failed.");
	fprintf(out, "mailtrace_probe_success %d\n",
	    !m->failed && m->records > 0 ? 1 : 0);
	head(out, "mailtrace_probe_duration_seconds", "gauge",
	    "The session's time, from its first record to its last.");
	fputs("mailtrace_probe_duration_seconds ", out);
	mon_put_seconds(out, mon_total_us(m));
	fputc('\n', out);
	head(out, "mailtrace_probe_records", "gauge",
	    "Trace records the run made.");
	fprintf(out, "mailtrace_probe_records %" PRIu64 "\n", m->records);
	head(out, "mailtrace_probe_sessions", "gauge",
	    "TCP connections (mail sessions) the run made.");
	fprintf(out, "mailtrace_probe_sessions %" PRIu64 "\n", m->sessions);

	head(out, "mailtrace_step_duration_seconds", "gauge",
	    "Each timed step's time, by step label (docs/monitoring.md).");
	for (i = 0; i < m->nsteps; i++) {
		fputs("mailtrace_step_duration_seconds{step=\"", out);
		put_label(out, m->steps[i].label);
		fputs("\"} ", out);
		mon_put_seconds(out, m->steps[i].us);
		fputc('\n', out);
	}
	head(out, "mailtrace_step_success", "gauge",
	    "1 when the step succeeded, 0 when it failed, by step label.");
	for (i = 0; i < m->nsteps; i++) {
		fputs("mailtrace_step_success{step=\"", out);
		put_label(out, m->steps[i].label);
		fprintf(out, "\"} %d\n", m->steps[i].rc == 0 ? 1 : 0);
	}
	any = false;
	for (i = 0; i < m->nsteps; i++)
		any |= reply_code(m->steps[i].opr) >= 0;
	if (any) {
		head(out, "mailtrace_step_reply_code", "gauge",
		    "The SMTP reply code of each step that had one.");
		for (i = 0; i < m->nsteps; i++) {
			if (reply_code(m->steps[i].opr) < 0)
				continue;
			fputs("mailtrace_step_reply_code{step=\"", out);
			put_label(out, m->steps[i].label);
			fprintf(out, "\"} %d\n", reply_code(m->steps[i].opr));
		}
	}
	any = false;
	for (i = 0; i < m->nsteps; i++)
		any |= m->steps[i].opr[0] == '+' || m->steps[i].opr[0] == '-';
	if (any) {
		head(out, "mailtrace_step_status", "gauge",
		    "1 for each POP3 step's status word (+OK, -ERR), by step.");
		for (i = 0; i < m->nsteps; i++) {
			if (m->steps[i].opr[0] != '+' &&
			    m->steps[i].opr[0] != '-')
				continue;
			fputs("mailtrace_step_status{step=\"", out);
			put_label(out, m->steps[i].label);
			fputs("\",status=\"", out);
			put_label(out, m->steps[i].opr);
			fputs("\"} 1\n", out);
		}
	}
	head(out, "mailtrace_steps_dropped", "gauge",
	    "Timed steps past the summary's bound, not listed.");
	fprintf(out, "mailtrace_steps_dropped %zu\n", m->dropped);
	if (m->failed) {
		head(out, "mailtrace_probe_failed_step_info", "gauge",
		    "The step where the session failed and its exception "
		    "class (1 while failed).");
		fputs("mailtrace_probe_failed_step_info{step=\"", out);
		put_label(out, m->fail_label[0] != '\0' ? m->fail_label :
		    "unknown");
		fputs("\",exception=\"", out);
		put_label(out, m->fail_exc);
		fputs("\"} 1\n", out);
	}
	if (m->has_stat) {
		head(out, "mailtrace_pop3_messages", "gauge",
		    "Messages in the mailbox, as STAT said.");
		fprintf(out, "mailtrace_pop3_messages %" PRIu64 "\n",
		    m->stat_count);
		head(out, "mailtrace_pop3_mailbox_bytes", "gauge",
		    "The mailbox's size in octets, as STAT said.");
		fprintf(out, "mailtrace_pop3_mailbox_bytes %" PRIu64 "\n",
		    m->stat_size);
	}
	if (m->has_tls) {
		head(out, "mailtrace_tls_info", "gauge",
		    "The TLS protocol version, cipher and group of the "
		    "session's first handshake (always 1).");
		fputs("mailtrace_tls_info{version=\"", out);
		put_label(out, m->tls.version);
		fputs("\",cipher=\"", out);
		put_label(out, m->tls.cipher);
		fputs("\",group=\"", out);
		put_label(out, m->tls.group);
		fputs("\"} 1\n", out);
		head(out, "mailtrace_tls_verified", "gauge",
		    "1 when the server's certificate chain and host name "
		    "verified (recorded under --insecure too).");
		fprintf(out, "mailtrace_tls_verified %d\n",
		    m->tls.verified ? 1 : 0);
		if (m->tls.has_cert) {
			head(out, "mailtrace_tls_cert_not_after_timestamp_seconds",
			    "gauge", "When the server's certificate expires "
			    "(seconds since the epoch).");
			fprintf(out, "mailtrace_tls_cert_not_after_timestamp_"
			    "seconds %" PRId64 "\n", m->tls.not_after);
			head(out, "mailtrace_tls_cert_not_before_timestamp_seconds",
			    "gauge", "When the server's certificate became "
			    "valid (seconds since the epoch).");
			fprintf(out, "mailtrace_tls_cert_not_before_timestamp_"
			    "seconds %" PRId64 "\n", m->tls.not_before);
			head(out, "mailtrace_tls_cert_chain_length", "gauge",
			    "Certificates the server sent.");
			fprintf(out, "mailtrace_tls_cert_chain_length %d\n",
			    m->tls.chain_len);
		}
	}
	if (ferror(out))
		return mt_err_set(err, MT_E_INTERNAL, "writing the metrics "
		    "failed: %s", strerror(errno));
	return 0;
}
