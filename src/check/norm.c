/*
 * SPDX-License-Identifier: BSD-2-Clause
 * norm.c - normalisation of volatile reply text: the rules of
 * norm_rules.def (and those a check adds), compiled once with regcomp(3),
 * applied in order, each bounded by one regexec() per input byte.
 */
#include "check.h"
#include "obuf.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define CHK_WHEN_ALWAYS	false
#define CHK_WHEN_COUNTS	true

static const struct chk_rule_info defaults[] = {
#define R(name, when, re, repl, desc)	{ #name, re, repl, desc, CHK_WHEN_##when },
#include "norm_rules.def"
#undef R
};

#define NDEFAULTS	(sizeof(defaults) / sizeof(defaults[0]))

struct chk_rule {
	char		 name[MT_CHK_NAME_HARD];
	char		 repl[MT_CHK_REPL_HARD];
	regex_t		 re;
};

struct chk_rules {
	struct chk_rule	 r[MT_CHK_RULES_HARD];
	size_t		 n;
};

size_t
chk_default_count(void)
{
	return NDEFAULTS;
}

const struct chk_rule_info *
chk_default_rule(size_t i)
{
	return i < NDEFAULTS ? &defaults[i] : NULL;
}

struct chk_rules *
chk_rules_new(unsigned flags, struct mt_err *err)
{
	struct chk_rules	*rs;
	size_t			 i;

	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		mt_err_set(err, MT_E_INTERNAL, "out of memory for the "
		    "normalisation rules");
		return NULL;
	}
	for (i = 0; i < NDEFAULTS && !(flags & CHK_RULES_EMPTY); i++) {
		if (defaults[i].counts && !(flags & CHK_RULES_COUNTS))
			continue;
		if (chk_rules_add(rs, defaults[i].name, defaults[i].pattern,
		    defaults[i].placeholder, err) != 0) {
			if (err != NULL)
				err->code = MT_E_INTERNAL;
			chk_rules_free(rs);
			return NULL;
		}
	}
	return rs;
}

/*
 * A back-reference (\1..\9 outside a bracket expression) makes matching
 * time unbounded; refuse it.  A backslash inside brackets is literal.
 */
static bool
has_backref(const char *re)
{
	const char	*p;
	char		 close;

	for (p = re; *p != '\0'; p++) {
		if (*p == '\\') {
			if (p[1] >= '1' && p[1] <= '9')
				return true;
			if (p[1] != '\0')
				p++;
		} else if (*p == '[') {
			/* skip the bracket expression: []...] and [^]...] */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p != '\0' && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '.' ||
				    p[1] == '=')) {
					close = p[1];
					p += 2;
					while (*p != '\0' &&
					    !(p[0] == close && p[1] == ']'))
						p++;
					if (*p != '\0')
						p++;
				}
				if (*p != '\0')
					p++;
			}
			if (*p == '\0')
				return false;	/* regcomp will say */
		}
	}
	return false;
}

/* The highest group a placeholder names (\N), 0 for none. */
static unsigned
repl_maxref(const char *repl)
{
	const char	*p;
	unsigned	 max = 0;

	for (p = repl; *p != '\0'; p++) {
		if (*p != '\\' || p[1] == '\0')
			continue;
		p++;
		if (*p >= '1' && *p <= '9' && (unsigned)(*p - '0') > max)
			max = (unsigned)(*p - '0');
	}
	return max;
}

int
chk_rules_add(struct chk_rules *rs, const char *name, const char *regex,
    const char *placeholder, struct mt_err *err)
{
	struct chk_rule	*r;
	char		 msg[256];
	unsigned	 ref;
	int		 rc;

	if (name == NULL || *name == '\0')
		name = "ignore";
	if (placeholder == NULL)
		placeholder = "<ignored>";
	if (regex == NULL || *regex == '\0')
		return mt_err_set(err, MT_E_USAGE, "rule %s: empty pattern",
		    name);
	if (rs->n >= MT_CHK_RULES_HARD)
		return mt_err_set(err, MT_E_USAGE, "rule %s: more than %d "
		    "normalisation rules", name, MT_CHK_RULES_HARD);
	if (strlen(name) >= MT_CHK_NAME_HARD)
		return mt_err_set(err, MT_E_USAGE, "rule name longer than %d "
		    "bytes", MT_CHK_NAME_HARD - 1);
	if (strlen(regex) > MT_CHK_PATTERN_HARD)
		return mt_err_set(err, MT_E_USAGE, "rule %s: pattern longer "
		    "than %d bytes", name, MT_CHK_PATTERN_HARD);
	if (strlen(placeholder) >= MT_CHK_REPL_HARD)
		return mt_err_set(err, MT_E_USAGE, "rule %s: placeholder "
		    "longer than %d bytes", name, MT_CHK_REPL_HARD - 1);
	if (has_backref(regex))
		return mt_err_set(err, MT_E_USAGE, "rule %s: back-references "
		    "(\\1..\\9) are not allowed in a pattern", name);

	r = &rs->r[rs->n];
	if ((rc = regcomp(&r->re, regex, REG_EXTENDED)) != 0) {
		regerror(rc, &r->re, msg, sizeof(msg));
		return mt_err_set(err, MT_E_USAGE, "rule %s: bad regular "
		    "expression '%.200s': %s", name, regex, msg);
	}
	ref = repl_maxref(placeholder);
	if (ref > r->re.re_nsub) {
		regfree(&r->re);
		return mt_err_set(err, MT_E_USAGE, "rule %s: placeholder "
		    "names group \\%u, the pattern has %zu", name, ref,
		    r->re.re_nsub);
	}
	memcpy(r->name, name, strlen(name) + 1);
	memcpy(r->repl, placeholder, strlen(placeholder) + 1);
	rs->n++;
	return 0;
}

size_t
chk_rules_count(const struct chk_rules *rs)
{
	return rs != NULL ? rs->n : 0;
}

const char *
chk_rules_name(const struct chk_rules *rs, size_t i)
{
	return rs != NULL && i < rs->n ? rs->r[i].name : NULL;
}

void
chk_rules_free(struct chk_rules *rs)
{
	size_t	i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		regfree(&rs->r[i].re);
	free(rs);
}

/* Write r's placeholder for the match m (of in) to o. */
static void
put_repl(struct obuf *o, const struct chk_rule *r, const char *in,
    const regmatch_t *m)
{
	const char	*p;
	unsigned	 g;

	for (p = r->repl; *p != '\0'; p++) {
		if (*p != '\\' || p[1] == '\0') {
			ob_mem(o, p, 1);
			continue;
		}
		p++;
		if (*p >= '1' && *p <= '9') {
			g = (unsigned)(*p - '0');
			/* g <= re_nsub: checked by chk_rules_add() */
			if (m[g].rm_so >= 0 && m[g].rm_eo >= m[g].rm_so)
				ob_mem(o, in + m[g].rm_so,
				    (size_t)(m[g].rm_eo - m[g].rm_so));
		} else
			ob_mem(o, p, 1);	/* \\ and \x: the byte */
	}
}

/*
 * One match at or after off in in[0..len), offsets relative to in.  With
 * REG_STARTEND the text before off stays visible as context; without it
 * (not POSIX), the tail is matched on its own, ^ kept from matching there
 * by REG_NOTBOL either way.  Returns regexec()'s result.
 */
static int
match_at(const regex_t *re, const char *in, size_t off, size_t len,
    regmatch_t *m, size_t nm)
{
	int	eflags = off > 0 ? REG_NOTBOL : 0;
	int	rc;
	size_t	i;

#ifdef REG_STARTEND
	m[0].rm_so = (regoff_t)off;
	m[0].rm_eo = (regoff_t)len;
	rc = regexec(re, in, nm, m, eflags | REG_STARTEND);
	(void)i;
#else
	(void)len;
	rc = regexec(re, in + off, nm, m, eflags);
	if (rc == 0)
		for (i = 0; i < nm; i++)
			if (m[i].rm_so >= 0) {
				m[i].rm_so += (regoff_t)off;
				m[i].rm_eo += (regoff_t)off;
			}
#endif
	return rc;
}

/*
 * Apply one rule to in[0..len) into o.  Each turn moves off forward by at
 * least one byte (past a non-empty match, or one byte at an empty one), so
 * there are at most len + 1 turns.  A regexec() failure other than "no
 * match" (memory) leaves the rest as it is and marks o cut.
 */
static void
rule_apply(const struct chk_rule *r, const char *in, size_t len,
    struct obuf *o)
{
	regmatch_t	m[10];
	size_t		off = 0, so, eo;
	int		rc;

	while (off <= len) {
		rc = match_at(&r->re, in, off, len, m, 10);
		if (rc != 0) {
			if (rc != REG_NOMATCH)
				o->cut = true;
			break;
		}
		so = (size_t)m[0].rm_so;
		eo = (size_t)m[0].rm_eo;
		if (so < off || eo < so || eo > len) {
			o->cut = true;		/* cannot happen */
			break;
		}
		ob_mem(o, in + off, so - off);
		if (eo == so) {
			/* an empty match replaces nothing */
			if (so == len) {
				off = len;
				break;
			}
			ob_mem(o, in + so, 1);
			off = so + 1;
			continue;
		}
		put_repl(o, r, in, m);
		off = eo;
	}
	if (off < len)
		ob_mem(o, in + off, len - off);
}

bool
chk_norm(const struct chk_rules *rs, const char *in, char *out, size_t outsz)
{
	char		 buf[2][MT_CHK_TEXT_HARD];
	struct obuf	 o;
	size_t		 i, len;
	unsigned	 cur = 0;
	bool		 fit = true;

	if (outsz == 0)
		return false;
	if (in == NULL)
		in = "";
	len = strlen(in);
	if (len > sizeof(buf[0]) - 1) {
		len = sizeof(buf[0]) - 1;
		fit = false;
	}
	memcpy(buf[0], in, len);
	buf[0][len] = '\0';

	for (i = 0; rs != NULL && i < rs->n; i++) {
		o.p = buf[cur ^ 1];
		o.sz = sizeof(buf[0]);
		o.len = 0;
		o.cut = false;
		o.p[0] = '\0';
		rule_apply(&rs->r[i], buf[cur], len, &o);
		if (o.cut)
			fit = false;
		cur ^= 1;
		len = o.len;
	}

	o.p = out;
	o.sz = outsz;
	o.len = 0;
	o.cut = false;
	out[0] = '\0';
	ob_mem(&o, buf[cur], len);
	return fit && !o.cut;
}
