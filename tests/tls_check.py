#!/usr/bin/env python3
# tests/tls_check.py - the TLS facts a probe recorded (docs/records.md "TLS
# facts") against the certificate the server uses, read by openssl itself.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: tls_check.py TRACE JSONL CERT EVENT INT VERIFY CONNECT
#   TRACE   the run's text output; exactly one record has tls=
#   JSONL   the same run as JSONL (mailtrace show --format jsonl)
#   CERT    the server's certificate (PEM)
#   EVENT   the event that must carry the facts (0xAD83, 0xAD8F, ...)
#   INT     its int field (--, STLS, STARTTLS)
#   VERIFY  the verify text expected ("ok", "self-signed certificate", ...)
#   CONNECT yes: connect=/tcp_connect_us present (implicit TLS); no: absent
# Exit 0 when everything holds; otherwise one line per fault, exit 1.
import calendar
import json
import re
import subprocess
import sys
import time


def openssl_facts(pem):
    out = subprocess.run(
        ["openssl", "x509", "-in", pem, "-noout", "-startdate", "-enddate",
         "-subject", "-issuer", "-serial", "-nameopt", "RFC2253"],
        check=True, capture_output=True, text=True).stdout
    f = {}
    for line in out.splitlines():
        k, _, v = line.partition("=")
        f[k] = v
    # "Dec  2 00:21:21 2026 GMT"
    def epoch(s):
        return calendar.timegm(time.strptime(s, "%b %d %H:%M:%S %Y %Z"))
    return {"not_before": epoch(f["notBefore"]),
            "not_after": epoch(f["notAfter"]),
            "subject": f["subject"], "issuer": f["issuer"],
            "serial": f["serial"].upper()}


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def rec_time(s):
    # 2026-12-02T00:21:21.287696Z
    return calendar.timegm(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S"))


FIELD = re.compile(r'  ([a-z_]+)=("[^"]*"|[^ ]*)(?=  |$)')


def main():
    trace, jsonl, pem, event, intf, verify, connect = sys.argv[1:8]
    bad = []
    want = openssl_facts(pem)
    lines = [l.rstrip("\n") for l in open(trace) if "  tls=" in l]
    if len(lines) != 1:
        print("%d records with TLS facts, not 1" % len(lines))
        return 1
    line = lines[0]
    cols = line.split("  ")
    ts, seq, ev = cols[0], cols[1], cols[2]
    if ev != event or cols[5] != intf:
        bad.append("facts on %s %r, not %s %r" % (ev, cols[5], event, intf))
    # The subject may hold quotes (RFC 2253 "\""); ours is plain.
    f = {k: v[1:-1] if v.startswith('"') else v
         for k, v in FIELD.findall(line[line.index("  tls="):])}
    if not re.match(r"^TLSv1\.[23] \S+( \S+)?$", f.get("tls", "")):
        bad.append("tls=%r" % f.get("tls"))
    if ("connect" in f) != (connect == "yes"):
        bad.append("connect= %s, expected %s" % ("present" if "connect" in f
                                                 else "absent", connect))
    if not re.match(r"^\+[1-9][0-9]*us$", f.get("handshake", "")):
        bad.append("handshake=%r" % f.get("handshake"))
    for k in ("subject", "issuer", "serial"):
        if f.get("cert_" + k) != want[k]:
            bad.append("cert_%s=%r, openssl says %r" % (k, f.get("cert_" + k),
                                                      want[k]))
    for k in ("not_before", "not_after"):
        if f.get("cert_" + k) != iso(want[k]):
            bad.append("cert_%s=%r, openssl says %s" % (k, f.get("cert_" + k),
                                                      iso(want[k])))
    # Days left at the handshake, just before the record's time.
    t = rec_time(ts)
    days = {(want["not_after"] - t) // 86400,
            (want["not_after"] - t + 5) // 86400}
    try:
        cd = int(f.get("cert_days"))
    except (TypeError, ValueError):
        cd = None
    if cd not in days:
        bad.append("cert_days=%r, not one of %s" % (f.get("cert_days"), days))
    if f.get("verify") != verify:
        bad.append("verify=%r, not %r" % (f.get("verify"), verify))
    if f.get("chain") != "1":
        bad.append("chain=%r" % f.get("chain"))
    # The same record in JSONL, typed.
    s, q = seq[1:].split("#")
    rec = None
    for l in open(jsonl):
        r = json.loads(l)
        if r["session"] == int(s) and r["seq"] == int(q):
            rec = r
    if rec is None:
        bad.append("no JSONL record %s" % seq)
    else:
        ver, _, rest = f["tls"].partition(" ")
        expect = {"tls_version": ver, "tls_cipher": rest.split(" ")[0],
                  "tls_handshake_us": int(f["handshake"][1:-2]),
                  "cert_subject": want["subject"],
                  "cert_issuer": want["issuer"],
                  "cert_serial": want["serial"],
                  "cert_not_before": iso(want["not_before"]),
                  "cert_not_after": iso(want["not_after"]),
                  "cert_days_left": cd,
                  "cert_chain_len": 1, "tls_verified": verify == "ok",
                  "tls_verify": verify}
        for k, v in expect.items():
            if rec.get(k) != v or type(rec.get(k)) is not type(v):
                bad.append("JSONL %s=%r, not %r" % (k, rec.get(k), v))
        if ("tcp_connect_us" in rec) != (connect == "yes"):
            bad.append("JSONL tcp_connect_us presence")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
