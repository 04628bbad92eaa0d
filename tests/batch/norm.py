#!/usr/bin/env python3
# tests/batch/norm.py - the part of a run's JSONL records (show --format
# jsonl, stdin) that two sessions of the same probe line share, one per
# line: without the run id, the times and durations, the client's port,
# and the values a server makes new for each session (Postfix's queue id,
# Dovecot's APOP timestamp and SASL challenges, the test message's token
# and Message-ID).
# SPDX-License-Identifier: BSD-2-Clause
import json
import re
import sys

DROP = ("run", "time", "elapsed_us", "tls_handshake_us", "tcp_connect_us",
        "body_end")
SUBS = (
    (re.compile(r"queued as [0-9A-Za-z]+"), "queued as Q"),
    (re.compile(r"<[^<>@ ]+@[^<> ]+>"), "<STAMP>"),
    (re.compile(r"\b[0-9a-f]{32}\b"), "TOKEN"),
    (re.compile(r"^\+ [A-Za-z0-9+/=]{16,}$"), "+ CHALLENGE"),
)

for line in sys.stdin:
    r = json.loads(line)
    for k in DROP:
        r.pop(k, None)
    if r.get("client"):
        r["client"] = re.sub(r":[0-9]+$", ":P", r["client"])
    for k, v in list(r.items()):
        if isinstance(v, str):
            for rx, rep in SUBS:
                v = rx.sub(rep, v)
            r[k] = v
    print(json.dumps(r, sort_keys=True))
