/*
 * SPDX-License-Identifier: BSD-2-Clause
 * http.c - the POST of an export (otlp.h) with libcurl's multi interface,
 * its sockets waited for through the wait door (loop/wait.h), so that in
 * a batch the other sessions go on meanwhile.  Nothing of HTTP is written
 * here: libcurl does it all.
 *
 * This file is the module mailtrace-otlp.so (libcurl and its libraries
 * are loaded only by a run that exports: post.c loads it).  The door is
 * the program's, not a copy of it: its functions come in struct
 * otlp_waits.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "otlp.h"
#include "otlp_int.h"
#include "wait.h"

#define POST_REPLY_HARD	512	/* bytes of a refusal's body kept for the message */
#define POST_PAUSE_MS	250	/* the first pause before a retry; doubles */

static CURLcode	 curl_init_rc = CURLE_FAILED_INIT;
static bool	 curl_inited;

/* The transfer's sockets, as libcurl's socket callback tells them. */
struct xfer {
	struct pollfd	 pfd[WAIT_FDS_MAX];
	size_t		 n;
	long		 timer_ms;	/* -1: none */
	char		 reply[POST_REPLY_HARD];
	size_t		 rlen;
	long		 retry_after;	/* seconds; -1: none */
	bool		 too_many;	/* more sockets than a wait takes */
};

static int
sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *sockp)
{
	struct xfer	*x = userp;
	size_t		 i;

	(void)e;
	(void)sockp;
	for (i = 0; i < x->n && x->pfd[i].fd != s; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < x->n)
			x->pfd[i] = x->pfd[--x->n];
		return 0;
	}
	if (i == x->n) {
		if (x->n == WAIT_FDS_MAX) {
			x->too_many = true;
			return -1;
		}
		x->n++;
	}
	x->pfd[i].fd = s;
	x->pfd[i].events = (short)((what & CURL_POLL_IN ? POLLIN : 0) |
	    (what & CURL_POLL_OUT ? POLLOUT : 0));
	x->pfd[i].revents = 0;
	return 0;
}

static int
timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct xfer	*x = userp;

	(void)m;
	x->timer_ms = timeout_ms;
	return 0;
}

/* The reply's body: its first bytes, for a refusal's message. */
static size_t
body_cb(char *p, size_t size, size_t n, void *userp)
{
	struct xfer	*x = userp;
	size_t		 len = size * n, room = sizeof(x->reply) - 1 - x->rlen;

	if (room > len)
		room = len;
	memcpy(x->reply + x->rlen, p, room);
	x->rlen += room;
	x->reply[x->rlen] = '\0';
	return len;
}

/* Retry-After: SECONDS (RFC 9110 10.2.3; an HTTP date is not followed). */
static size_t
header_cb(char *p, size_t size, size_t n, void *userp)
{
	struct xfer	*x = userp;
	size_t		 len = size * n;

	if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
		char	buf[32];
		size_t	k = len - 12 < sizeof(buf) - 1 ? len - 12 :
			    sizeof(buf) - 1;

		memcpy(buf, p + 12, k);
		buf[k] = '\0';
		x->retry_after = strtol(buf, NULL, 10);
		if (x->retry_after < 0 || x->retry_after > 3600)
			x->retry_after = -1;
	}
	return len;
}

/* Printable and one line: a refusal's body in a message. */
static void
tidy(char *s)
{
	for (; *s != '\0'; s++)
		if (!isprint((unsigned char)*s))
			*s = ' ';
}

/*
 * One attempt until deadline: 0 and the status in *code, or -1 with err
 * (a transfer error, the deadline, a stop).
 */
static int
post_once(const struct otlp_waits *W, const char *url, const char *body,
    int64_t deadline, struct xfer *x, long *code, struct mt_err *err)
{
	CURLM		*m;
	CURL		*e;
	CURLMsg		*msg;
	struct curl_slist *hdr;
	enum wait_result w;
	CURLcode	 res = CURLE_OK;
	int64_t		 until, now;
	int		 running = 0, left, rc = -1;
	size_t		 i;

	memset(x, 0, sizeof(*x));
	x->timer_ms = -1;
	x->retry_after = -1;
	*code = 0;
	m = curl_multi_init();
	e = curl_easy_init();
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	if (m == NULL || e == NULL || hdr == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory");
		goto done;
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_USERAGENT, "mailtrace/" MT_VERSION);
	curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, sock_cb);
	curl_multi_setopt(m, CURLMOPT_SOCKETDATA, x);
	curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, timer_cb);
	curl_multi_setopt(m, CURLMOPT_TIMERDATA, x);
	curl_multi_add_handle(m, e);
	curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
	while (running > 0) {
		if (x->too_many) {
			mt_err_set(err, MT_E_INTERNAL, "too many sockets");
			goto done;
		}
		now = W->now();
		if (now >= deadline) {
			mt_err_set(err, MT_E_TIMEOUT, "timed out");
			goto done;
		}
		until = deadline;
		if (x->timer_ms >= 0 && now + x->timer_ms * 1000000 < until)
			until = now + x->timer_ms * 1000000;
		w = x->n > 0 ? W->fds(x->pfd, x->n, until) : W->until(until);
		if (w == WAIT_STOPPED) {
			mt_err_set(err, MT_E_INTR, "interrupted by a signal");
			goto done;
		}
		if (w == WAIT_ERROR) {
			mt_err_set(err, MT_E_IO, "poll: %s", strerror(errno));
			goto done;
		}
		if (w == WAIT_TIMEOUT) {
			curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0,
			    &running);
			continue;
		}
		/* (a copy: the callback may change the set meanwhile) */
		{
			struct pollfd	p[WAIT_FDS_MAX];
			size_t		n = x->n;

			memcpy(p, x->pfd, sizeof(p[0]) * n);
			for (i = 0; i < n; i++)
				if (p[i].revents != 0)
					curl_multi_socket_action(m, p[i].fd,
					    (p[i].revents & (POLLIN | POLLHUP) ?
					    CURL_CSELECT_IN : 0) |
					    (p[i].revents & POLLOUT ?
					    CURL_CSELECT_OUT : 0) |
					    (p[i].revents & POLLERR ?
					    CURL_CSELECT_ERR : 0), &running);
		}
	}
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE)
			res = msg->data.result;
	if (res != CURLE_OK) {
		mt_err_set(err, MT_E_IO, "%s", curl_easy_strerror(res));
		goto done;
	}
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, code);
	rc = 0;
done:
	if (m != NULL && e != NULL)
		curl_multi_remove_handle(m, e);
	curl_easy_cleanup(e);
	curl_multi_cleanup(m);
	curl_slist_free_all(hdr);
	return rc;
}

__attribute__((visibility("default"))) int
mt_otlp_post(const struct otlp_waits *W, const char *url, const char *body,
    int timeout_ms, struct mt_err *err);

__attribute__((visibility("default"))) int
mt_otlp_post(const struct otlp_waits *W, const char *url, const char *body,
    int timeout_ms, struct mt_err *err)
{
	struct xfer	 x;
	struct mt_err	 e;
	int64_t		 deadline, pause, wake;
	long		 code;
	unsigned	 tries = 0;

	if (!curl_inited) {
		curl_inited = true;
		curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
	}
	if (curl_init_rc != CURLE_OK)
		return mt_err_set(err, MT_E_INTERNAL, "libcurl: %s",
		    curl_easy_strerror(curl_init_rc));
	deadline = W->now() + (int64_t)(timeout_ms > 0 ? timeout_ms :
	    30000) * 1000000;
	pause = (int64_t)POST_PAUSE_MS * 1000000;
	for (;;) {
		tries++;
		mt_err_clear(&e);
		if (post_once(W, url, body, deadline, &x, &code, &e) != 0)
			return mt_err_set(err, e.code, "%s%s", e.msg, tries > 1 ?
			    " (after retries)" : "");
		if (code >= 200 && code < 300)
			return 0;
		tidy(x.reply);
		/* OTLP/HTTP: only these are worth trying again. */
		if (code != 429 && code != 502 && code != 503 && code != 504)
			return mt_err_set(err, MT_E_PROTO, "HTTP %ld%s%.200s",
			    code, x.rlen > 0 ? ": " : "", x.reply);
		wake = W->now() + (x.retry_after >= 0 ?
		    (int64_t)x.retry_after * 1000000000 : pause);
		if (wake >= deadline)
			return mt_err_set(err, MT_E_TIMEOUT, "HTTP %ld %u time%s, "
			    "no time left to try again", code, tries,
			    tries == 1 ? "" : "s");
		if (W->until(wake) == WAIT_STOPPED)
			return mt_err_set(err, MT_E_INTR, "interrupted by a "
			    "signal");
		pause *= 2;
	}
}
