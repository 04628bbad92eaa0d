#!/usr/bin/env bash
# tests/serve/prometheus.sh - a real Prometheus (Debian's package) scrapes
# mailtrace exporter with the scrape config of docs/monitoring.md (its
# relabelling of targets): started on a free loopback port with its own
# config and data dir, stopped by pid; its HTTP API must then return the
# probe's success and step metrics with the target as instance.
# SPDX-License-Identifier: BSD-2-Clause
# usage: prometheus.sh MAILTRACE DOVECOT_DIR CERTDIR OUTDIR MONITORING_MD
set -u
MT=$1 DDIR=$2 CERTS=$3 OUT=$4/prometheus DOC=$5
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
. "$here/lib.sh"
. "$DDIR/env"
rm -rf "$OUT"
mkdir -p "$OUT/data"
unset MAILTRACE_PASSWORD
command -v prometheus >/dev/null || { echo "prometheus missing (tools/install-deps.sh --test)"; exit 1; }
POP=pop3://bob@127.0.0.1:$DOVECOT_POP3_PORT
secret=$(head -n1 "$DOVECOT_PASSWORD_FILE")

cat >"$OUT/config.json" <<JSON
{"modules": {"pop3_stls": {"protocol": "pop3",
  "options": ["--stls", "--cafile", "$CERTS/ca.pem"],
  "password_file": "$DOVECOT_PASSWORD_FILE", "targets": ["$POP"]}}}
JSON
check "the exporter starts" exp_start exp --config "$OUT/config.json"
T_SHOW=$OUT/exp.err
addr=${EXP_URL#http://}

# The docs' scrape config, with this test's target and exporter.
awk '/<!-- scrape-config -->/ { on = 1; next } on && /^```yaml/ { next }
    on && /^```/ { exit } on { print }' "$DOC" >"$OUT/doc.yml"
check "docs/monitoring.md has the scrape config" grep -q '__param_target' "$OUT/doc.yml"
{
	printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n'
	sed -e "s|pop3://probe@mail.example.org:110|$POP|" \
	    -e "s|127.0.0.1:9925|$addr|" "$OUT/doc.yml"
} >"$OUT/prometheus.yml"
check "promtool accepts the config" promtool check config "$OUT/prometheus.yml"

ppid_=
for try in 1 2 3; do
	port=$(free_port) || break
	prometheus --config.file="$OUT/prometheus.yml" \
	    --storage.tsdb.path="$OUT/data" \
	    --web.listen-address="127.0.0.1:$port" \
	    >"$OUT/prometheus.log" 2>&1 &
	ppid_=$!
	for ((i = 0; i < 100; i++)); do
		curl -sf "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break
		kill -0 "$ppid_" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$ppid_" 2>/dev/null && break
	wait "$ppid_"
	ppid_=
done
T_SHOW=$OUT/prometheus.log
check "Prometheus is ready on 127.0.0.1:$port" test -n "$ppid_"

# Poll the API (bounded) until the success metric of a scrape is there.
q() { curl -s -G "http://127.0.0.1:$port/api/v1/query" --data-urlencode "query=$1"; }
for ((i = 0; i < 150; i++)); do
	q 'mailtrace_probe_success' >"$OUT/success.json"
	grep -q '"result":\[{' "$OUT/success.json" && break
	sleep 0.1
done
q 'mailtrace_step_duration_seconds{step="stls"}' >"$OUT/step.json"
q 'up' >"$OUT/up.json"
T_SHOW=$OUT/success.json
check "Prometheus has mailtrace_probe_success" grep -q '"result":\[{' "$OUT/success.json"
check "its value is 1" grep -q '"value":\[[0-9.]*,"1"\]' "$OUT/success.json"
check "instance is the target (relabelled)" grep -qF "\"instance\":\"$POP\"" "$OUT/success.json"
check "job is the docs' job" grep -q '"job":"mailtrace_pop3"' "$OUT/success.json"
T_SHOW=$OUT/step.json
check "Prometheus has the STLS step's duration" grep -q '"__name__":"mailtrace_step_duration_seconds"' "$OUT/step.json"
check "with its step label and the instance" sh -c "grep -q '\"step\":\"stls\"' '$OUT/step.json' && grep -qF '\"instance\":\"$POP\"' '$OUT/step.json'"
check "up is 1 (the scrape went to the exporter)" grep -q '"value":\[[0-9.]*,"1"\]' "$OUT/up.json"

kill -TERM "$ppid_"
for ((i = 0; i < 100; i++)); do kill -0 "$ppid_" 2>/dev/null || break; sleep 0.1; done
kill -0 "$ppid_" 2>/dev/null && kill -KILL "$ppid_"
wait "$ppid_"
check "Prometheus stopped" sh -c "! kill -0 $ppid_ 2>/dev/null"
exp_stop
check "the exporter stopped: exit 0 (got $EXP_RC)" test "$EXP_RC" = 0
check "the password is not in the exporter's log or Prometheus' answers" sh -c "! grep -qF -- '$secret' '$OUT'/*.json '$OUT/exp.err'"
t_done
