#!/usr/bin/env bash
# tests/serve/exporter.sh - mailtrace exporter against the suite's real
# Dovecot and Postfix, and a stalling fake server (docs/monitoring.md,
# "Exporter"): /probe success and failure with their step metrics, the bad
# requests (400), 404 and 405, the allow-list, --max-probes (503), the
# scrape-timeout header shortening a stalled probe, promtool on every
# body, debug=true, --db, SIGTERM, and the password in no answer, log or
# store.
# SPDX-License-Identifier: BSD-2-Clause
# usage: exporter.sh MAILTRACE FAKESRV DOVECOT_DIR POSTFIX_DIR CERTDIR OUTDIR
set -u
MT=$1 FAKE=$2 DDIR=$3 PDIR=$4 CERTS=$5 OUT=$6/exporter
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/lib.sh"
. "$DDIR/env"
. "$PDIR/env"
rm -rf "$OUT"
mkdir -p "$OUT"
unset MAILTRACE_PASSWORD
export MAILTRACE_DB=$OUT/not-used.db
secret=$(head -n1 "$DOVECOT_PASSWORD_FILE")
printf 'wrong-%s\n' "$secret" >"$OUT/wrong.pw"
H=127.0.0.1
POP=pop3://bob@$H:$DOVECOT_POP3_PORT
REFUSED=$(free_port)
command -v promtool >/dev/null || { echo "promtool missing (tools/install-deps.sh --test)"; exit 1; }

cat >"$OUT/config.json" <<JSON
{
  "modules": {
    "pop3_stls": {
      "protocol": "pop3",
      "options": ["--stls", "--cafile", "$CERTS/ca.pem", "--max-time", "20"],
      "password_file": "$DOVECOT_PASSWORD_FILE",
      "targets": ["$POP", "pop3://bob@$H:$REFUSED"]
    },
    "pop3_wrong": {
      "protocol": "pop3",
      "options": ["--auth", "user"],
      "password_file": "$OUT/wrong.pw",
      "targets": ["$POP/"]
    },
    "smtp": {
      "protocol": "smtp",
      "options": ["--from", "probe@$POSTFIX_DOMAIN", "--helo", "probe.test"],
      "recipients": ["$POSTFIX_RCPT"],
      "targets": ["smtp://$H:$POSTFIX_SMTP_PORT"]
    },
    "smtp_badrcpt": {
      "protocol": "smtp",
      "options": ["--from", "probe@$POSTFIX_DOMAIN", "--helo", "probe.test"],
      "recipients": ["$POSTFIX_BAD_RCPT"],
      "targets": ["smtp://$H:$POSTFIX_SMTP_PORT"]
    }
  }
}
JSON

check "the exporter starts with the config" exp_start cfg --config "$OUT/config.json" --db "$OUT/store.db"
T_SHOW=$OUT/cfg.err

# --- success: POP3 with STLS against Dovecot
get ok "/probe?module=pop3_stls&target=$(urlenc "$POP")"
T_SHOW=$OUT/ok.body
check "/probe: HTTP 200" code_is ok 200
check "/probe: Content-Type of the text format 0.0.4" has "$OUT/ok.hdr" '^Content-Type: text/plain; version=0\.0\.4; charset=utf-8'
check "/probe: success 1" has "$OUT/ok.body" '^mailtrace_probe_success 1$'
check "/probe: the session's duration" has "$OUT/ok.body" '^mailtrace_probe_duration_seconds [0-9]+\.[0-9]{6}$'
check "/probe: the STLS step's time" has "$OUT/ok.body" '^mailtrace_step_duration_seconds\{step="stls"\} [0-9.]+$'
check "/probe: the STAT step's status" has "$OUT/ok.body" '^mailtrace_step_status\{step="(stat|folder_open)",status="\+OK"\} 1$'
check "/probe: no failed step" hasnt "$OUT/ok.body" 'failed_step_info'
check "promtool check metrics accepts /probe's body" promtool check metrics <"$OUT/ok.body"
notafter=$(date -d "$(openssl x509 -enddate -noout -in "$CERTS/server.pem" | cut -d= -f2)" +%s)
check "/probe: the TLS facts (version, cipher)" has "$OUT/ok.body" '^mailtrace_tls_info\{version="TLSv1\.[23]",cipher="[^"]+"'
check "/probe: the certificate's expiry is the test certificate's own ($notafter)" has "$OUT/ok.body" "^mailtrace_tls_cert_not_after_timestamp_seconds $notafter\$"
check "/probe: verified" has "$OUT/ok.body" '^mailtrace_tls_verified 1$'

# --- failures are HTTP 200 with success 0, the step and the exception
get wrong "/probe?module=pop3_wrong&target=$(urlenc "$POP")"
T_SHOW=$OUT/wrong.body
check "wrong password: HTTP 200" code_is wrong 200
check "wrong password: success 0" has "$OUT/wrong.body" '^mailtrace_probe_success 0$'
check "wrong password: the failing step and AuthenticationFailedException" has "$OUT/wrong.body" '^mailtrace_probe_failed_step_info\{step="[a-z_0-9]+",exception="javax\.mail\.AuthenticationFailedException"\} 1$'
check "promtool accepts a failed probe's body" promtool check metrics <"$OUT/wrong.body"

get refused "/probe?module=pop3_stls&target=$(urlenc "pop3://bob@$H:$REFUSED")"
T_SHOW=$OUT/refused.body
check "refused port: HTTP 200, success 0" has "$OUT/refused.body" '^mailtrace_probe_success 0$'
check "refused port: connect fails with ConnectException" has "$OUT/refused.body" '^mailtrace_probe_failed_step_info\{step="connect",exception="java\.net\.ConnectException"\} 1$'

# --- SMTP against Postfix
get smtp "/probe?module=smtp&target=$(urlenc "smtp://$H:$POSTFIX_SMTP_PORT")"
T_SHOW=$OUT/smtp.body
check "smtp: success 1" has "$OUT/smtp.body" '^mailtrace_probe_success 1$'
check "smtp: RCPT's reply code 250" has "$OUT/smtp.body" '^mailtrace_step_reply_code\{step="rcpt[a-z_0-9]*"\} 250$'
get badrcpt "/probe?module=smtp_badrcpt&target=$(urlenc "smtp://$H:$POSTFIX_SMTP_PORT")"
T_SHOW=$OUT/badrcpt.body
check "smtp refused recipient: success 0" has "$OUT/badrcpt.body" '^mailtrace_probe_success 0$'
check "smtp refused recipient: a 5xx reply code" has "$OUT/badrcpt.body" '^mailtrace_step_reply_code\{step="rcpt[a-z_0-9]*"\} 5[0-9][0-9]$'

# --- debug=true: the trace, then the metrics
get debug "/probe?module=pop3_stls&debug=true&target=$(urlenc "$POP")"
T_SHOW=$OUT/debug.body
check "debug=true: the text trace's header" has "$OUT/debug.body" '^# mailtrace text 1 .*proto=pop3'
check "debug=true: the trace's records (0xAD80 Store.connect, STLS)" has "$OUT/debug.body" 'S1#1  0xAD80  A'
check "debug=true: then the metrics" has "$OUT/debug.body" '^mailtrace_probe_success 1$'

# --- probes in parallel threads: each its own tracer, sinks, summary
pids=
for n in 1 2 3 4; do
	get par$n "/probe?module=pop3_stls&target=$(urlenc "$POP")" &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids	# not the exporter: it is a background job too
par=0
for n in 1 2 3 4; do
	has "$OUT/par$n.body" '^mailtrace_probe_success 1$' &&
	    count "$OUT/par$n.body" '^mailtrace_step_duration_seconds\{step="stls"\}' 1 &&
	    par=$((par + 1))
done
check "4 probes at once: each succeeds with its own steps ($par of 4)" test "$par" = 4

# --- bad requests: 400 with one line
bad() { # name path regex
	get "$1" "$2"
	T_SHOW=$OUT/$1.body
	check "$1: HTTP 400" code_is "$1" 400
	check "$1: one line of reason" test "$(wc -l <"$OUT/$1.body")" = 1
	check "$1: says why" has "$OUT/$1.body" "$3"
}
bad notarget "/probe?module=pop3_stls" 'no target'
bad badurl "/probe?module=pop3_stls&target=$(urlenc "http://$H/")" 'the target must be pop3://'
bad nomodule "/probe?module=nosuch&target=$(urlenc "$POP")" 'unknown module "nosuch"'
bad nodefault "/probe?target=$(urlenc "$POP")" 'none is named default'
bad notallowed "/probe?module=pop3_stls&target=$(urlenc "pop3://bob@$H:$POSTFIX_SMTP_PORT")" 'is not allowed by module pop3_stls'
bad urlpw "/probe?module=pop3_stls&target=$(urlenc "pop3://bob:x@$H:$DOVECOT_POP3_PORT")" 'a password in the URL is refused'
get badtimeout "/probe?module=pop3_stls&target=$(urlenc "$POP")" -H 'X-Prometheus-Scrape-Timeout-Seconds: soon'
check "a bad scrape-timeout header: 400" code_is badtimeout 400
get nf "/nothing"
check "an unknown path: 404" code_is nf 404
get post "/probe?module=pop3_stls&target=$(urlenc "$POP")" -X POST
check "POST: 405" code_is post 405

# --- /metrics: the exporter's own
get metrics "/metrics"
T_SHOW=$OUT/metrics.body
check "/metrics: HTTP 200" code_is metrics 200
check "/metrics: promtool accepts it" promtool check metrics <"$OUT/metrics.body"
check "/metrics: build info" has "$OUT/metrics.body" '^mailtrace_exporter_build_info\{version="[0-9.]+"\} 1$'
check "/metrics: pop3_stls probes: 6 successes (ok, debug, 4 at once)" has "$OUT/metrics.body" '^mailtrace_exporter_probes_total\{module="pop3_stls",result="success"\} 6$'
check "/metrics: pop3_stls probes: 1 failure (refused)" has "$OUT/metrics.body" '^mailtrace_exporter_probes_total\{module="pop3_stls",result="failure"\} 1$'
check "/metrics: request errors by status" has "$OUT/metrics.body" '^mailtrace_exporter_request_errors_total\{code="400"\} 7$'
check "/metrics: none in flight" has "$OUT/metrics.body" '^mailtrace_exporter_probes_in_flight 0$'

exp_stop
T_SHOW=$OUT/cfg.err
check "SIGTERM: exit 0 (got $EXP_RC)" test "$EXP_RC" = 0
check "--db: every probe run stored (10)" test "$(sqlite3 "$OUT/store.db" 'select count(*) from runs' 2>/dev/null)" = 10

# --- a config error: exit 2, before listening
"$MT" exporter --config "$OUT/config.json" --stls >"$OUT/mixed.out" 2>"$OUT/mixed.err"
check "probe options beside --config: exit 2" test $? = 2
printf '{"modules": {"x": {"protocol": "pop3", "password_file": "%s"}}}\n' "$DOVECOT_PASSWORD_FILE" >"$OUT/notargets.json"
"$MT" exporter --config "$OUT/notargets.json" >"$OUT/nt.out" 2>"$OUT/nt.err"
check "a module without targets: exit 2" test $? = 2
printf '{"modules": {"x": {"protocol": "pop3", "options": ["--format", "jsonl"], "targets": []}}}\n' >"$OUT/fmt.json"
"$MT" exporter --config "$OUT/fmt.json" --allow-any-target >"$OUT/fmt.out" 2>"$OUT/fmt.err"
check "--format in a module: exit 2" test $? = 2

# --- no config: the default module from the command line; a stalled
# server, --max-probes 1 and the scrape-timeout header
exec {ffd}< <("$FAKE" --script "$here/hang.script" --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" fport
check "the fake server listens" test -n "${fport##*[!0-9]*}"
check "the exporter starts with probe options" exp_start dflt --max-probes 1 --password-file "$DOVECOT_PASSWORD_FILE" --max-time 60
T_SHOW=$OUT/dflt.err
t0=$(date +%s%N)
get stall "/probe?target=$(urlenc "pop3://bob@$H:$fport")" -H 'X-Prometheus-Scrape-Timeout-Seconds: 2.5' &
spid=$!
# the stalled probe in flight: then one more is 503 at once
for ((i = 0; i < 100; i++)); do
	get m2 /metrics
	has "$OUT/m2.body" '^mailtrace_exporter_probes_in_flight 1$' && break
	sleep 0.05
done
check "the stalled probe is in flight" has "$OUT/m2.body" '^mailtrace_exporter_probes_in_flight 1$'
get busy "/probe?target=$(urlenc "$POP")"
check "--max-probes 1 exceeded: 503" code_is busy 503
check "503: says busy" has "$OUT/busy.body" 'busy: 1 probes in flight'
wait "$spid"
ms=$((($(date +%s%N) - t0) / 1000000))
T_SHOW=$OUT/stall.body
check "the stalled probe: HTTP 200, success 0" has "$OUT/stall.body" '^mailtrace_probe_success 0$'
check "the stalled probe: SocketTimeoutException" has "$OUT/stall.body" 'exception="java\.net\.SocketTimeoutException"'
check "the header's 2.5 s less 0.5 s cut it (--max-time 60): took $ms ms" test "$ms" -ge 1800 -a "$ms" -lt 5000
get dok "/probe?target=$(urlenc "$POP")"
check "the default module: success 1 against Dovecot" has "$OUT/dok.body" '^mailtrace_probe_success 1$'
get dmod "/probe?module=default&target=$(urlenc "$POP")"
check "module=default names it" has "$OUT/dmod.body" '^mailtrace_probe_success 1$'
exp_stop
check "SIGTERM: exit 0 (got $EXP_RC)" test "$EXP_RC" = 0
check "nothing was stored without --db" test ! -e "$OUT/not-used.db"

# --- the password: in no answer, log or store
leak=0
for f in "$OUT"/*.body "$OUT"/*.hdr "$OUT"/*.err "$OUT"/*.out; do
	grep -qF -- "$secret" "$f" && { echo "# the password is in $f"; leak=1; }
done
check "the password is in no answer, header or log" test "$leak" = 0
check "the password is not in the store" sh -c "! grep -aqF -- '$secret' '$OUT/store.db' && ! sqlite3 '$OUT/store.db' .dump | grep -qF -- '$secret'"
bash "$here/../postfix/settle.sh" "$PDIR" "$DDIR"
check "every message this test sent left Postfix's queue; the mailboxes emptied" test "$?" = 0
t_done
