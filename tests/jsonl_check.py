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
OPTIONAL = ["elapsed_us", "bytes", "body_end", "reply", "anomaly", "detail"]
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
