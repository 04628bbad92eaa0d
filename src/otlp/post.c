/*
 * SPDX-License-Identifier: BSD-2-Clause
 * post.c - otlp_post() and otlp_url_check() (otlp.h) in the program: the
 * POST itself is the module mailtrace-otlp.so's (http.c, with libcurl),
 * loaded the first time a run exports.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "otlp.h"
#include "otlp_int.h"

int
otlp_post(const char *url, const char *body, int timeout_ms,
    struct mt_err *err)
{
	static const struct otlp_waits	w = { wait_fds, wait_until,
					    mt_mono_ns };
	otlp_post_fn			post;

	*(void **)&post = mt_module_sym("mailtrace-otlp.so", "mt_otlp_post",
	    err);
	if (post == NULL)
		return -1;
	return post(&w, url, body, timeout_ms, err);
}

int
otlp_url_check(const char *url, struct mt_err *err)
{
	const char	*h, *end;

	if (strlen(url) >= OTLP_URL_HARD)
		return mt_err_set(err, MT_E_USAGE, "--otlp: the URL is longer "
		    "than %d bytes", OTLP_URL_HARD - 1);
	if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else
		return mt_err_set(err, MT_E_USAGE, "--otlp: \"%.100s\" is not an "
		    "http:// or https:// URL", url);
	end = h + strcspn(h, "/?#");
	if (end == h)
		return mt_err_set(err, MT_E_USAGE, "--otlp: the URL has no host");
	if (memchr(h, '@', (size_t)(end - h)) != NULL)
		return mt_err_set(err, MT_E_USAGE, "--otlp: no user or password "
		    "in the URL (a collector's credentials are not mailtrace's "
		    "to keep)");
	for (; *url != '\0'; url++)
		if (!isprint((unsigned char)*url) || *url == ' ')
			return mt_err_set(err, MT_E_USAGE, "--otlp: the URL has "
			    "a space or a control character");
	return 0;
}
