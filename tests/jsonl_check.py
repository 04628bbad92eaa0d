#!/usr/bin/env python3
# tests/jsonl_check.py - every line of a mailtrace JSONL stream is a record
# with the keys docs/formats.md documents, in their order.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: jsonl_check.py FILE...   (exit 0 when every line of every FILE is
# a record; otherwise one line per fault on stderr, exit 1)
import json
import re
import sys

# Always present, in this order.
FIRST = ["run", "event", "level", "rc", "int", "opr", "opt", "time",
         "session", "seq", "client", "server", "source"]
# Then, each only when it applies, in this order.
OPTIONAL = ["elapsed_us", "bytes", "body_end", "reply", "explanation",
            "anomaly", "detail",
            "tls_version", "tls_cipher", "tls_group", "tcp_connect_us",
            "tls_handshake_us", "cert_subject", "cert_issuer", "cert_sans",
            "cert_serial", "cert_not_before", "cert_not_after",
            "cert_days_left", "cert_chain_len", "tls_verified", "tls_verify"]
# The facts of a handshake (issue 11): these always together, typed so.
TLS = {"tls_version": str, "tls_cipher": str, "tls_group": str,
       "tls_handshake_us": int, "tls_verified": bool, "tls_verify": str}
# With a certificate, these together.
CERT = {"cert_subject": str, "cert_issuer": str, "cert_sans": str,
        "cert_serial": str, "cert_not_before": str, "cert_not_after": str,
        "cert_days_left": int, "cert_chain_len": int}
DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EVENT = re.compile(r"^(0x[0-9A-F]{4}|anomaly)$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
NUMBERS = ["run", "rc", "session", "seq"]


def fault(name, n, why):
    print("%s:%d: %s" % (name, n, why), file=sys.stderr)
    return 1


def check_line(name, n, line):
    try:
        r = json.loads(line)
    except ValueError as e:
        return fault(name, n, "not JSON: %s" % e)
    if not isinstance(r, dict):
        return fault(name, n, "not an object")
    keys = list(r.keys())
    if keys[:len(FIRST)] != FIRST:
        return fault(name, n, "keys %s, not %s first" % (keys, FIRST))
    rest = keys[len(FIRST):]
    if rest != [k for k in OPTIONAL if k in rest]:
        return fault(name, n, "optional keys %s out of order or unknown"
                     % rest)
    if not isinstance(r["event"], str) or not EVENT.match(r["event"]):
        return fault(name, n, "event %r" % (r["event"],))
    for k in NUMBERS:
        if not isinstance(r[k], int):
            return fault(name, n, "%s is not a number" % k)
    if not TIME.match(r["time"]):
        return fault(name, n, "time %r" % (r["time"],))
    if r["source"] not in ("probe", "pcap"):
        return fault(name, n, "source %r" % (r["source"],))
    if (r["event"] == "anomaly") != ("anomaly" in r):
        return fault(name, n, "anomaly key without an anomaly event, or "
                     "the other way round")
    if ("bytes" in r) != ("body_end" in r):
        return fault(name, n, "bytes without body_end, or the other way")
    if "reply" in r and (r["event"] == "anomaly" or r["reply"] == ""):
        return fault(name, n, "reply in an anomaly record, or empty")
    # issue 13: a failed record's explanation (events/explain.def)
    if "explanation" in r and (r["rc"] == 0 or r["explanation"] == ""):
        return fault(name, n, "explanation on a record that did not fail, "
                     "or empty")
    return check_tls(name, n, r)


def typed(v, t):
    # bool is an int in Python: keep them apart.
    return isinstance(v, t) and (t is bool or not isinstance(v, bool))


def check_tls(name, n, r):
    has = [k for k in TLS if k in r]
    if not has:
        if any(k in r for k in CERT) or "tcp_connect_us" in r:
            return fault(name, n, "certificate or connect keys without "
                         "the TLS facts")
        return 0
    if len(has) != len(TLS):
        return fault(name, n, "TLS facts incomplete: %s" % has)
    for k, t in TLS.items():
        if not typed(r[k], t):
            return fault(name, n, "%s is not %s" % (k, t.__name__))
    if "tcp_connect_us" in r and (not typed(r["tcp_connect_us"], int) or
                                  r["tcp_connect_us"] < 0):
        return fault(name, n, "tcp_connect_us %r" % (r["tcp_connect_us"],))
    if r["tls_verified"] != (r["tls_verify"] == "ok"):
        return fault(name, n, "tls_verified and tls_verify disagree")
    cert = [k for k in CERT if k in r]
    if cert and len(cert) != len(CERT):
        return fault(name, n, "certificate keys incomplete: %s" % cert)
    for k, t in CERT.items():
        if k in r and not typed(r[k], t):
            return fault(name, n, "%s is not %s" % (k, t.__name__))
    for k in ("cert_not_before", "cert_not_after"):
        if k in r and not DATE.match(r[k]):
            return fault(name, n, "%s %r" % (k, r[k]))
    return 0


def main():
    bad = 0
    for name in sys.argv[1:]:
        with open(name, encoding="ascii") as f:
            for n, line in enumerate(f, 1):
                bad |= check_line(name, n, line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
