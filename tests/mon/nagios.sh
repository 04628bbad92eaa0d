#!/usr/bin/env bash
# tests/mon/nagios.sh - the probe commands as a Nagios/Icinga plugin
# (--nagios) and their Prometheus textfile (--prom-file), against the real
# Dovecot and Postfix of the suite: OK, WARNING (session and step
# thresholds), CRITICAL (wrong password, refused port, refused recipient,
# untrusted TLS, a lost round-trip message), UNKNOWN (bad options); each
# output held against the plugin guidelines (plugin_check.py); the runs
# still stored; the textfile accepted by promtool; no secret anywhere.
# SPDX-License-Identifier: BSD-2-Clause
# usage: nagios.sh MAILTRACE FAKESRV DOVECOT_WORKDIR POSTFIX_WORKDIR CERTDIR OUTDIR
set -u
MT=$1 FAKE=$2 DWORK=$3 PWORK=$4 CERTS=$5 OUT=$6/mon-nagios
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$DWORK/env"
. "$PWORK/env"
rm -rf "$OUT"
mkdir -p "$OUT"
export MAILTRACE_DB=$OUT/store.db
unset MAILTRACE_PASSWORD MAILTRACE_SMTP_PASSWORD
PW=$DOVECOT_PASSWORD_FILE
POP=pop3://bob@127.0.0.1:$DOVECOT_POP3_PORT
SMTP=smtp://127.0.0.1:$POSTFIX_SMTP_PORT
printf 'not-the-password\n' >"$OUT/wrong.pw"

# plugin NAME SERVICE WANT_STATUS ARGS...: run, keep the output, hold it
# against the guidelines.
plugin() {
	local name=$1 service=$2 want=$3 rc
	shift 3
	"$MT" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err"
	rc=$?
	echo "$rc" >"$OUT/$name.rc"
	T_SHOW=$OUT/$name.out
	check "$name: exit $want (got $rc)" test "$rc" = "$want"
	T_SHOW=$OUT/$name.grammar
	python3 "$here/plugin_check.py" "$service" "$rc" "$OUT/$name.out" \
	    >"$OUT/$name.perf" 2>"$OUT/$name.grammar"
	check "$name: the output keeps the plugin guidelines" test "$?" = 0
	T_SHOW=$OUT/$name.out
}
first() { head -1 "$OUT/$1.out"; }

# --- OK --------------------------------------------------------------------
plugin ok POP3 0 pop3 --nagios --password-file "$PW" "$POP"
check "ok: the first line" has "$OUT/ok.out" \
    '^POP3 OK - [0-9]+ steps in [0-9]+\.[0-9]{3} s, STAT [0-9]+ [0-9]+ \| time=[0-9.]+s;;;0; '
check "ok: perfdata has the session and each step (connect, greeting, pass, stat, quit)" \
    test "$(grep -cE '^(time|connect|greeting|pass|stat|quit)=[0-9.]+s$' "$OUT/ok.perf")" = 6
check "ok: the trace follows as long output (advanced level: STAT is there)" \
    has "$OUT/ok.out" '^[0-9T:.Z-]+  S1#[0-9]+  0xAD91  B  rc=0  STAT  opr=\+OK'
"$MT" show >"$OUT/ok.show" 2>&1
check "ok: the run is stored (show gives the long output's trace back)" \
    cmp -s "$OUT/ok.show" <(tail -n +2 "$OUT/ok.out")

# --- WARNING ---------------------------------------------------------------
plugin warn POP3 1 pop3 --nagios -w 0.000001 -c 100 --password-file "$PW" "$POP"
check "warn: the session above -w, named with its range" has "$OUT/warn.out" \
    '^POP3 WARNING - session took [0-9.]+ s \(warning range 0\.000001\); '
check "warn: the thresholds in the session's perfdata" has "$OUT/warn.perf" '^time='
check "warn: time=...;0.000001;100;0;" has "$OUT/warn.out" ' \| time=[0-9.]+s;0\.000001;100;0; '
plugin stepwarn POP3 1 pop3 --nagios --step-warning STAT=0.000001 --password-file "$PW" "$POP"
check "stepwarn: the step named" has "$OUT/stepwarn.out" '^POP3 WARNING - stat took [0-9.]+ s \(warning range 0\.000001\); '
check "stepwarn: the step's perfdata carries its range" has "$OUT/stepwarn.out" ' stat=[0-9.]+s;0\.000001;;0; '
plugin stepcrit POP3 2 pop3 --nagios --step-warning stat=0.000001 --step-critical stat=@0:1000 --password-file "$PW" "$POP"
check "stepcrit: CRITICAL wins over WARNING" has "$OUT/stepcrit.out" '^POP3 CRITICAL - stat took [0-9.]+ s \(critical range @0:1000\); '

# --- the certificate (its dates from the test certificate itself) ----------
na=$(date -u -d "$(openssl x509 -in "$CERTS/server.pem" -noout -enddate | sed 's/^notAfter=//')" +%s)
days=$(( (na - $(date -u +%s)) / 86400 ))
TLSPOP=pop3s://bob@localhost:$DOVECOT_POP3S_PORT
plugin certok POP3 0 pop3 --nagios --cafile "$CERTS/ca.pem" --cert-days 30,7 --password-file "$PW" "$TLSPOP"
check "certok: the TLS version and the days left (openssl x509 says $days)" has "$OUT/certok.out" \
    "^POP3 OK - .*, TLSv1\.[23], certificate ($days|$((days - 1))) days left \| "
check "certok: cert_days in perfdata with its ranges" has "$OUT/certok.out" " cert_days=($days|$((days - 1)));30:;7:;;\$"
check "certok: the handshake and the TCP connect are steps of their own" \
    test "$(grep -cE '^(tcp_connect|tls_handshake)=[0-9.]+s$' "$OUT/certok.perf")" = 2
plugin certwarn POP3 1 pop3 --nagios --cafile "$CERTS/ca.pem" --cert-days 36500 --password-file "$PW" "$TLSPOP"
check "certwarn: fewer days left than WARN" has "$OUT/certwarn.out" \
    '^POP3 WARNING - the certificate expires in [0-9]+ days \(warning below 36500\); '
plugin certcrit POP3 2 pop3 --nagios --cafile "$CERTS/ca.pem" --cert-days 36500,36500 --password-file "$PW" "$TLSPOP"
check "certcrit: fewer days left than CRIT" has "$OUT/certcrit.out" \
    '^POP3 CRITICAL - the certificate expires in [0-9]+ days \(critical below 36500\); '
plugin stlscert POP3 1 pop3 --nagios --stls --cafile "$CERTS/ca.pem" --cert-days 36500 --password-file "$PW" \
    "pop3://bob@localhost:$DOVECOT_POP3_PORT"
plugin smtpcert SMTP 1 smtp --nagios --starttls --cafile "$CERTS/ca.pem" --cert-days 36500 \
    --from a@example.test --to "$POSTFIX_RCPT" "smtp://localhost:$POSTFIX_SMTP_PORT"
"$MT" pop3 --prom-file "$OUT/tls.prom" --cafile "$CERTS/ca.pem" --password-file "$PW" "$TLSPOP" >/dev/null 2>&1
T_SHOW=$OUT/tls.prom
check "--prom-file: the certificate's expiry, exactly the test certificate's" \
    has "$OUT/tls.prom" "^mailtrace_tls_cert_not_after_timestamp_seconds $na\$"
check "--prom-file: tls_info and verified" test -n "$(grep -E '^mailtrace_tls_info\{version="TLSv1\.[23]",cipher="[A-Z0-9_-]+",group="[a-z0-9]*"\} 1$' "$OUT/tls.prom")" \
    -a -n "$(grep '^mailtrace_tls_verified 1$' "$OUT/tls.prom")"
T_SHOW=$OUT/promtool3.out
promtool check metrics <"$OUT/tls.prom" >"$OUT/promtool3.out" 2>&1
check "--prom-file (TLS): promtool check metrics accepts it" test "$?" = 0

# An expired certificate (the fake server over implicit TLS): refused with
# --cafile; under --insecure the session goes on, and --cert-days says it.
S=$here/../check/scripts
# (one fake server each: a failed handshake ends the first one's script)
exec {efd}< <("$FAKE" --script "$S/pop3-same.script" --implicit-tls --cert "$CERTS/expired.pem" \
    --key "$CERTS/expired.key" --connections 1 --timeout 30 2>"$OUT/expired.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$efd" eport
plugin expired POP3 2 pop3 --nagios --cafile "$CERTS/ca.pem" --password-file "$OUT/wrong.pw" \
    "pop3s://bob@localhost:$eport"
check "expired certificate: the handshake fails, explained" has "$OUT/expired.out" \
    "^POP3 CRITICAL - connect failed \\(javax\\.net\\.ssl\\.SSLHandshakeException\\): the server's certificate has expired; renew the server's certificate; 
exec {efd}< <("$FAKE" --script "$S/pop3-same.script" --implicit-tls --cert "$CERTS/expired.pem" \
    --key "$CERTS/expired.key" --connections 1 --timeout 30 2>"$OUT/expired2.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$efd" eport
plugin expiredins POP3 2 pop3 --nagios --insecure --cafile "$CERTS/ca.pem" --cert-days 30 --password-file "$OUT/wrong.pw" \
    "pop3s://bob@localhost:$eport"
check "expired certificate under --insecure: CRITICAL, expired N days ago" has "$OUT/expiredins.out" \
    '^POP3 CRITICAL - the certificate expired [0-9]+ days ago; .* cert_days=-[0-9]+;30:;;;$'
check "... and the record says why it does not verify" has "$OUT/expiredins.out" 'verify="certificate has expired'

# --- CRITICAL --------------------------------------------------------------
plugin wrongpw POP3 2 pop3 --nagios --password-file "$OUT/wrong.pw" "$POP"
check "wrongpw: names the step, the exception, the explanation and the reply" has "$OUT/wrongpw.out" \
    '^POP3 CRITICAL - PASS failed \(javax\.mail\.AuthenticationFailedException\): the user name or the password was not accepted [^|]*; check the password [^|]* \(server: -ERR \[AUTH\] Authentication failed\.\); '
plugin refused POP3 2 pop3 --nagios --password-file "$PW" "pop3://bob@127.0.0.1:1"
check "refused port: the connection step, ConnectException, explained" has "$OUT/refused.out" \
    '^POP3 CRITICAL - connect failed \(java\.net\.ConnectException\): the connection was refused: nothing listens on that host and port; check the host and the port[^|]*; [0-9]+ steps '
plugin untrusted POP3 2 pop3 --nagios --password-file "$PW" "pop3s://bob@localhost:$DOVECOT_POP3S_PORT"
check "untrusted TLS (no --cafile): SSLHandshakeException, explained" has "$OUT/untrusted.out" \
    "^POP3 CRITICAL - connect failed \\(javax\\.net\\.ssl\\.SSLHandshakeException\\): the server's certificate is not trusted [^|]*--cafile FILE[^|]*; 
exec {hfd}< <("$FAKE" --script "$here/scripts/hang.script" --connections 1 --timeout 30 \
    2>"$OUT/hang.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$hfd" hport
plugin timeout POP3 2 pop3 --nagios --timeout 300 --password-file "$PW" "pop3://bob@127.0.0.1:$hport"
check "a server that never greets: the greeting step and SocketTimeoutException, explained" has "$OUT/timeout.out" \
    '^POP3 CRITICAL - greeting failed \(java\.net\.SocketTimeoutException\): the server did not answer in time; [^|]*; [0-9]+ steps '
plugin rcpt SMTP 2 smtp --nagios --helo probe.example.test --from mailtrace@example.test \
    --to "$POSTFIX_BAD_RCPT" "$SMTP"
check "refused recipient: the RCPT step and SendFailedException, explained, with the reply" has "$OUT/rcpt.out" \
    "^SMTP CRITICAL - RCPT TO:<$POSTFIX_BAD_RCPT> failed \\(javax\\.mail\\.SendFailedException\\): 5\\.1\\.1: bad destination mailbox: the recipient does not exist there; check the recipient address for typos \\(server: 550 5\\.1\\.1 <$POSTFIX_BAD_RCPT>: Recipient address rejected: User unknown in virtual mailbox table\\); "
plugin smtpok SMTP 0 smtp --nagios --helo probe.example.test --from mailtrace@example.test \
    --to "$POSTFIX_RCPT" "$SMTP"
check "smtp ok: EHLO, RCPT and the end of data in perfdata" \
    test "$(grep -cE '^(ehlo|mail|rcpt|data|data_end)=[0-9.]+s$' "$OUT/smtpok.perf")" = 5

# --- a round trip ------------------------------------------------------------
plugin rt ROUNDTRIP 0 roundtrip --nagios --password-file "$PW" --smtp "$SMTP" \
    --pop3 "pop3://rcpt@127.0.0.1:$DOVECOT_POP3_PORT" --from a@example.test \
    --to "$POSTFIX_RCPT" --interval 100 --deadline 20
check "roundtrip: OK with the delivery latency" has "$OUT/rt.out" '^ROUNDTRIP OK - .*, delivered in [0-9.]+ s \| '
check "roundtrip: delivery in perfdata" has "$OUT/rt.perf" '^delivery=[0-9.]+s$'
plugin rtlost ROUNDTRIP 2 roundtrip --nagios --password-file "$PW" --smtp "$SMTP" \
    --pop3 "pop3://rcpt@127.0.0.1:$DOVECOT_POP3_PORT" --from a@example.test \
    --to "$POSTFIX_RCPT2" --interval 200 --deadline 1
check "roundtrip lost: CRITICAL saying it did not arrive" has "$OUT/rtlost.out" \
    '^ROUNDTRIP CRITICAL - roundtrip: the message \(token [0-9a-f]+\) did not arrive in .* within 1 s'

# --- UNKNOWN ---------------------------------------------------------------
plugin badopt POP3 3 pop3 --nagios --bogus "$POP"
check "bad option: UNKNOWN with the reason" has "$OUT/badopt.out" '^POP3 UNKNOWN - pop3: unknown option "--bogus"'
plugin badrange POP3 3 pop3 --nagios -w 5:1 --password-file "$PW" "$POP"
check "bad range: UNKNOWN naming it" has "$OUT/badrange.out" '^POP3 UNKNOWN - --warning: "5:1" is not a threshold range'
plugin badstep SMTP 3 smtp --nagios --step-critical rcpt --from a@example.test --to "$POSTFIX_RCPT" "$SMTP"
check "bad --step-critical: UNKNOWN" has "$OUT/badstep.out" '^SMTP UNKNOWN - --step-critical: "rcpt" is not STEP=RANGE'
plugin nourl POP3 3 pop3 --nagios
plugin certnotls POP3 3 pop3 --nagios --cert-days 30 --password-file "$PW" "$POP"
check "--cert-days without TLS: UNKNOWN" has "$OUT/certnotls.out" '^POP3 UNKNOWN - --cert-days: the session had no TLS certificate to check; '
"$MT" pop3 -w 1 --password-file "$PW" "$POP" >"$OUT/wonly.out" 2>&1
check "-w without --nagios: a usage error (exit 2)" test "$?" = 2
"$MT" pop3 --nagios --format jsonl --password-file "$PW" "$POP" >"$OUT/fmt.out" 2>&1
check "--nagios with --format: UNKNOWN" test "$?" = 3

# --- check --nagios ----------------------------------------------------------
"$MT" pop3 --password-file "$PW" --auth apop --level advanced "$POP" >/dev/null 2>&1
"$MT" baseline save dv >/dev/null 2>&1
plugin checkok CHECK 0 check dv --nagios --latency-min-ms 2000
check "check ok: no difference" has "$OUT/checkok.out" '^CHECK OK - no difference \| differences=0;;;0; '
plugin checkcrit CHECK 2 check dv --nagios --latency-min-ms 2000 --password-file "$OUT/wrong.pw"
check "check: the probe failing where the baseline did not: CRITICAL, the first difference named" \
    has "$OUT/checkcrit.out" '^CHECK CRITICAL - [0-9]+ differences: .*; outcome step [0-9]+/[0-9]+ 0xAD8F "APOP bob": "ok" -> "rc=7 javax\.mail\.AuthenticationFailedException" \| '
check "check: the differences follow as long output" has "$OUT/checkcrit.out" '^reply step [0-9]+/[0-9]+ 0xAD8F "APOP bob": '
# Only latency changed (the fake server trickles its STAT reply): WARNING.
S=$here/../check/scripts
exec {ffd}< <("$FAKE" --script "$S/pop3-same.script" --script "$S/pop3-slow.script" \
    --connections 2 --timeout 30 2>"$OUT/fake.err"; echo "fakesrv-exit $?")
read -r -t 10 -u "$ffd" fport
"$MT" pop3 --password-file "$OUT/wrong.pw" --level advanced "pop3://bob@127.0.0.1:$fport" >/dev/null 2>&1
"$MT" baseline save fake >/dev/null 2>&1
plugin checklat CHECK 1 check fake --nagios --latency-min-ms 300
check "check: a slower STAT alone is WARNING" has "$OUT/checklat.out" \
    '^CHECK WARNING - 2 differences: 2 latency; latency step 15/15 0xAD91 "STAT": '
plugin checkunk CHECK 3 check nosuch --nagios
check "check unknown baseline: UNKNOWN" has "$OUT/checkunk.out" '^CHECK UNKNOWN - no baseline "nosuch" in '

# --- --prom-file -------------------------------------------------------------
"$MT" pop3 --prom-file "$OUT/pop3.prom" --password-file "$PW" "$POP" >"$OUT/prom.out" 2>&1
check "--prom-file: exit 0" test "$?" = 0
T_SHOW=$OUT/pop3.prom
check "--prom-file: success 1" has "$OUT/pop3.prom" '^mailtrace_probe_success 1$'
check "--prom-file: STAT's step and the mailbox" has "$OUT/pop3.prom" '^mailtrace_step_duration_seconds\{step="stat"\} [0-9.]+$'
check "--prom-file: no temporary file left" test -z "$(ls "$OUT" | grep '\.tmp\.')"
T_SHOW=$OUT/promtool.out
promtool check metrics <"$OUT/pop3.prom" >"$OUT/promtool.out" 2>&1
check "--prom-file: promtool check metrics accepts it" test "$?" = 0
"$MT" smtp --prom-file "$OUT/smtp.prom" --from a@example.test --to "$POSTFIX_BAD_RCPT" "$SMTP" >/dev/null 2>&1
check "--prom-file of a failed session: exit 1" test "$?" = 1
T_SHOW=$OUT/smtp.prom
check "--prom-file: success 0, the failing step and class" has "$OUT/smtp.prom" \
    '^mailtrace_probe_failed_step_info\{step="rcpt",exception="javax\.mail\.SendFailedException"\} 1$'
check "--prom-file: the reply code" has "$OUT/smtp.prom" '^mailtrace_step_reply_code\{step="rcpt"\} 550$'
T_SHOW=$OUT/promtool2.out
promtool check metrics <"$OUT/smtp.prom" >"$OUT/promtool2.out" 2>&1
check "--prom-file (failed): promtool check metrics accepts it" test "$?" = 0
"$MT" pop3 --prom-file "$OUT/no/such/dir/x.prom" --password-file "$PW" "$POP" >"$OUT/promdir.out" 2>&1
check "--prom-file into a missing directory: exit 1, said" test "$?" = 1 -a -n "$(grep 'prom-file: ' "$OUT/promdir.out")"

bash "$here/../postfix/settle.sh" "$PWORK" "$DWORK"
check "every message this test sent left Postfix's queue; the mailboxes emptied" test "$?" = 0
pw=$(cat "$PW")
check "the password is in no output, textfile or the store" \
    test -n "$pw" -a -z "$(grep -rlaF "$pw" "$OUT"/*.out "$OUT"/*.prom "$MAILTRACE_DB"* 2>/dev/null)"
t_done
