#!/usr/bin/python3
# tests/otlp/check.py - what mailtrace --otlp sent, checked against
# OpenTelemetry's own schema: each body parsed into an
# ExportTraceServiceRequest by opentelemetry-proto's classes and
# protobuf's JSON mapping (Debian's python3-opentelemetry-proto), then its
# shape: hex ids of the right length, times as strings of nanoseconds, one
# root span per trace, every parent in its trace, children inside their
# parent's time.  Prints one line per trace for the test to match:
#   trace run=R session=S spans=N status=C error=E names=A,B,...
# and exits 1 (saying why) when a rule is broken.
# SPDX-License-Identifier: BSD-2-Clause
# usage: check.py BODY.json...
import json
import re
import sys

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

HEX = re.compile(r"^[0-9a-f]+$")
bad = []


def attrs(kvs):
    out = {}
    for kv in kvs:
        v = kv["value"]
        out[kv["key"]] = next(iter(v.values()))
    return out


for path in sys.argv[1:]:
    raw = open(path).read()
    req = trace_service_pb2.ExportTraceServiceRequest()
    try:
        json_format.Parse(raw, req)
    except json_format.ParseError as e:
        print("%s: not an ExportTraceServiceRequest: %s" % (path, e))
        sys.exit(1)
    doc = json.loads(raw)
    for rs in doc["resourceSpans"]:
        if attrs(rs["resource"]["attributes"]).get("service.name") != "mailtrace":
            bad.append("service.name is not mailtrace")
        for ss in rs["scopeSpans"]:
            traces = {}
            for sp in ss["spans"]:
                for k in ("startTimeUnixNano", "endTimeUnixNano"):
                    if not isinstance(sp[k], str) or not sp[k].isdigit():
                        bad.append("%s is not a string of digits" % k)
                if len(sp["traceId"]) != 32 or not HEX.match(sp["traceId"]):
                    bad.append("traceId %r" % sp["traceId"])
                if len(sp["spanId"]) != 16 or not HEX.match(sp["spanId"]):
                    bad.append("spanId %r" % sp["spanId"])
                traces.setdefault(sp["traceId"], []).append(sp)
            for tid, spans in traces.items():
                roots = [s for s in spans if not s.get("parentSpanId")]
                if len(roots) != 1:
                    bad.append("trace %s has %d roots" % (tid, len(roots)))
                    continue
                root = roots[0]
                ids = {s["spanId"]: s for s in spans}
                for s in spans:
                    p = s.get("parentSpanId")
                    if p and p not in ids:
                        bad.append("span %s's parent is not in its trace" % s["name"])
                    if p and p in ids:
                        q = ids[p]
                        if not (int(q["startTimeUnixNano"]) <= int(s["startTimeUnixNano"]) <=
                                int(s["endTimeUnixNano"]) <= int(q["endTimeUnixNano"])):
                            bad.append("span %s is not inside %s" % (s["name"], q["name"]))
                a = attrs(root["attributes"])
                for k in ("network.transport", "mailtrace.run", "mailtrace.session"):
                    if k not in a:
                        bad.append("the root has no %s" % k)
                st = root.get("status", {}).get("code", 0)
                names = ",".join(s["name"] for s in spans if s is not root)
                errs = ",".join(sorted({attrs(s["attributes"]).get("error.type", "")
                                        for s in spans} - {""}))
                print("trace run=%s session=%s spans=%d status=%s error=%s server=%s:%s root=%s names=%s" % (
                    a.get("mailtrace.run"), a.get("mailtrace.session"), len(spans), st,
                    errs or "-", a.get("server.address", "-"), a.get("server.port", "-"),
                    root["name"], names))
if bad:
    for b in sorted(set(bad)):
        print("bad: " + b)
    sys.exit(1)
