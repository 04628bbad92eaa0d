#!/usr/bin/env bash
# tests/check/change.sh - the regression check against real servers that
# change: a private Dovecot and Postfix of their own (started here with the
# harness scripts, so the shared instances other tests use stay as they
# are), a baseline of each, then one configuration change at a time, the
# server reloaded, and the check must name the change with the right kind
# and exit 1; the change undone, it must come out clean (exit 0) again.
#   Dovecot: login_greeting changed (greeting), ssl = no (STLS no longer
#            offered: capability).
#   Postfix: smtpd_discard_ehlo_keywords = pipelining (capability),
#            message_size_limit changed (capability SIZE), the recipient
#            refused by check_recipient_access (reply, outcome).
# Reloads are asynchronous: after each one the test waits (bounded) until
# the server's own answer shows the new configuration, read over a plain
# socket, before it checks.  Latency is left out (--latency-min-ms 2000), as
# in real.sh; the latency rule is tested by unit.diff and check.probe.
# SPDX-License-Identifier: BSD-2-Clause
# usage: change.sh MAILTRACE CERTDIR OUTDIR
set -u
MT=$1 CERTS=$2 OUT=$3/check-change
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
DV=$OUT/dovecot PF=$OUT/postfix
stop_all() {
	bash "$here/../postfix/stop.sh" "$PF" >/dev/null 2>&1
	bash "$here/../dovecot/stop.sh" "$DV" >/dev/null 2>&1
}
[ -d "$PF" ] && stop_all
rm -rf "$OUT"
mkdir -p "$OUT"
trap stop_all EXIT
if ! bash "$here/../dovecot/start.sh" "$DV" "$CERTS" >"$OUT/dovecot.start" 2>&1 ||
	! bash "$here/../postfix/start.sh" "$PF" "$DV" "$CERTS" >"$OUT/postfix.start" 2>&1; then
	cat "$OUT/dovecot.start" "$OUT/postfix.start" 2>/dev/null
	echo "not ok - the private Dovecot and Postfix did not start"
	exit 1
fi
. "$DV/env"
. "$PF/env"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD

# What the servers say now, over a plain socket (independent of mailtrace).
# pop3_say CMD: the greeting, or the reply to CMD (multi-line to ".").
pop3_say() {
	local fd line
	exec {fd}<>"/dev/tcp/127.0.0.1/$DOVECOT_POP3_PORT" || return 1
	IFS= read -r -t 5 -u "$fd" line || { exec {fd}>&-; return 1; }
	if [ -z "$1" ]; then
		printf '%s\n' "$line"
	else
		printf '%s\r\n' "$1" >&"$fd"
		while IFS= read -r -t 5 -u "$fd" line; do
			line=${line%$'\r'}
			printf '%s\n' "$line"
			case $line in .|-ERR*) break ;; esac
		done
	fi
	printf 'QUIT\r\n' >&"$fd"
	exec {fd}>&-
}
# smtp_say CMD...: the server's replies to EHLO and then each CMD.
smtp_say() {
	local fd line c
	exec {fd}<>"/dev/tcp/127.0.0.1/$POSTFIX_SMTP_PORT" || return 1
	for c in "" "EHLO poll.example.test" "$@"; do
		[ -n "$c" ] && printf '%s\r\n' "$c" >&"$fd"
		while IFS= read -r -t 5 -u "$fd" line; do
			line=${line%$'\r'}
			printf '%s\n' "$line"
			case $line in [0-9][0-9][0-9]\ *) break ;; esac
		done
	done
	printf 'QUIT\r\n' >&"$fd"
	exec {fd}>&-
}
# until_says what REGEX present|absent FUNCTION ARGS...: wait (bounded, 10 s)
# until FUNCTION's output has (or has no) line matching REGEX.
until_says() {
	local what=$1 re=$2 mode=$3 i
	shift 3
	for ((i = 0; i < 100; i++)); do
		if "$@" 2>/dev/null | grep -Eq -- "$re"; then
			[ "$mode" = present ] && return 0
		else
			[ "$mode" = absent ] && return 0
		fi
		sleep 0.1
	done
	echo "# the server did not take the new configuration: $what"
	return 1
}
dv_reload() { kill -HUP "$(cat "$DOVECOT_BASE_DIR/master.pid")"; }
pf_set() { postconf -c "$POSTFIX_CONF" -e "$1" && postfix -c "$POSTFIX_CONF" reload >/dev/null 2>&1; }
pf_unset() { postconf -c "$POSTFIX_CONF" -X "$1" && postfix -c "$POSTFIX_CONF" reload >/dev/null 2>&1; }

# check_is NAME LABEL RC [REGEX...]: mailtrace check NAME exits RC and
# prints exactly the lines matching the REGEXes plus the summary (RC 1), or
# only "no difference" (RC 0).  With SUMMARY=REGEX set, the REGEXes need not
# be every line, and the summary line must match SUMMARY.
check_is() {
	local name=$1 label=$2 want=$3 rc re n
	shift 3
	"$MT" check "$name" --latency-min-ms 2000 >"$OUT/$label.out" 2>"$OUT/$label.err"
	rc=$?
	T_SHOW=$OUT/$label.out
	check "$label: exit $want (got $rc)" test "$rc" = "$want"
	if [ "$want" = 0 ]; then
		check "$label: only 'no difference'" test "$(cat "$OUT/$label.out")" = "no difference"
		return
	fi
	for re in "$@"; do
		check "$label: reports /$re/" has "$OUT/$label.out" "$re"
	done
	if [ -n "${SUMMARY:-}" ]; then
		check "$label: the summary /$SUMMARY/" has "$OUT/$label.out" "$SUMMARY"
		return
	fi
	n=$(($(wc -l <"$OUT/$label.out") - 1))
	check "$label: $# differences and nothing else ($n)" test "$n" = "$#"
}

# --- Dovecot -----------------------------------------------------------------
T_SHOW=$OUT/dv-base.out
"$MT" pop3 --password-file "$DOVECOT_PASSWORD_FILE" --auth apop --level advanced \
	"pop3://bob@127.0.0.1:$DOVECOT_POP3_PORT" >"$OUT/dv-base.out" 2>&1
check "Dovecot: the baseline's probe exits 0" test "$?" = 0
"$MT" baseline save dovecot >/dev/null 2>&1
check "Dovecot: baseline saved" test "$?" = 0
check_is dovecot dv-same 0

conf_orig=$OUT/dovecot.conf.orig
cp "$DOVECOT_CONF" "$conf_orig"
echo 'login_greeting = Dovecot upgraded, ready.' >>"$DOVECOT_CONF"
dv_reload
until_says "login_greeting" '^\+OK Dovecot upgraded, ready\.' present pop3_say ""
check_is dovecot dv-greeting 1 \
	'^greeting step 5/5 0xAD93 "connect-mail-server": "\+OK Dovecot \(Debian\) ready\. <stamp>" -> "\+OK Dovecot upgraded, ready\. <stamp>"$'
cp "$conf_orig" "$DOVECOT_CONF"
dv_reload
until_says "login_greeting restored" '^\+OK Dovecot \(Debian\) ready\.' present pop3_say ""
check_is dovecot dv-greeting-restored 0

sed -i 's/^ssl = yes$/ssl = no/' "$DOVECOT_CONF"
dv_reload
until_says "ssl = no" '^STLS$' absent pop3_say CAPA
check_is dovecot dv-stls 1 '^capability step 7/7 0xAD8F "CAPA": "STLS" -> \(none\)$'
cp "$conf_orig" "$DOVECOT_CONF"
dv_reload
until_says "ssl = yes" '^STLS$' present pop3_say CAPA
check_is dovecot dv-stls-restored 0

# --- Postfix -----------------------------------------------------------------
T_SHOW=$OUT/pf-base.out
"$MT" smtp --helo probe.example.test --from mailtrace@example.test --to "$POSTFIX_RCPT" \
	--level advanced "smtp://127.0.0.1:$POSTFIX_SMTP_PORT" >"$OUT/pf-base.out" 2>&1
check "Postfix: the baseline's probe exits 0" test "$?" = 0
check "Postfix: the baseline announces PIPELINING and SIZE 10240000" \
	has "$OUT/pf-base.out" 'detail=.*PIPELINING, SIZE 10240000'
"$MT" baseline save postfix >/dev/null 2>&1
check "Postfix: baseline saved" test "$?" = 0
check_is postfix pf-same 0

pf_set 'smtpd_discard_ehlo_keywords = pipelining'
until_says "smtpd_discard_ehlo_keywords" '^250-PIPELINING$' absent smtp_say
check_is postfix pf-pipelining 1 \
	'^capability step [0-9]+/[0-9]+ 0xAD[0-9A-F]{2} "EHLO probe\.example\.test": "PIPELINING" -> \(none\)$'
pf_unset smtpd_discard_ehlo_keywords
until_says "smtpd_discard_ehlo_keywords removed" '^250-PIPELINING$' present smtp_say
check_is postfix pf-pipelining-restored 0

pf_set 'message_size_limit = 5242880'
until_says "message_size_limit" '^250-SIZE 5242880$' present smtp_say
check_is postfix pf-size 1 \
	'^capability step [0-9]+/[0-9]+ 0xAD[0-9A-F]{2} "EHLO probe\.example\.test": "SIZE 10240000" -> "SIZE 5242880"$'
pf_unset message_size_limit
until_says "message_size_limit removed" '^250-SIZE 10240000$' present smtp_say
check_is postfix pf-size-restored 0

printf '%s REJECT recipient refused for testing\n' "$POSTFIX_RCPT" >"$OUT/rcpt_access"
chmod 0644 "$OUT/rcpt_access"
pf_set "smtpd_recipient_restrictions = check_recipient_access texthash:$OUT/rcpt_access"
until_says "check_recipient_access" '^554 .*recipient refused for testing' present \
	smtp_say "MAIL FROM:<poll@example.test>" "RCPT TO:<$POSTFIX_RCPT>"
# The refusal is the RCPT step's reply and outcome; the session fails from
# there (its outcome), DATA and the message's steps are missing, and the
# probe's RSET is a step the baseline did not have.
SUMMARY='^12 differences: 1 reply, 3 outcome, 6 missing_step, 2 extra_step$' \
	check_is postfix pf-rcpt 1 \
	'^reply step 14/14 0xAD11 "RCPT TO:<rcpt@example\.test>": "250 2\.1\.5 Ok" -> "554 5\.7\.1 <rcpt@example\.test>: Recipient address rejected: recipient refused for testing"$' \
	'^outcome step 14/14 0xAD11 "RCPT TO:<rcpt@example\.test>": "ok" -> "rc=9 javax\.mail\.SendFailedException"$' \
	'^outcome step 22/18 0xAD03 "--": "ok" -> "rc=9 javax\.mail\.SendFailedException"$' \
	'^missing_step step 16/- 0xAD10 "DATA": "DATA" -> \(none\)$' \
	'^missing_step step 20/- 0xAD13 "\.": "250 2\.0\.0 Ok: queued as <queueid>" -> \(none\)$' \
	'^extra_step step -/16 0xAD10 "RSET": \(none\) -> "RSET"$'
pf_unset smtpd_recipient_restrictions
until_says "check_recipient_access removed" '^250 .*Ok' present \
	smtp_say "MAIL FROM:<poll@example.test>" "RCPT TO:<$POSTFIX_RCPT>"
check_is postfix pf-rcpt-restored 0
t_done
