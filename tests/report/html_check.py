#!/usr/bin/env python3
# tests/report/html_check.py - checks of mailtrace report's HTML as a real
# Chromium rendered it (tests/report/report.sh).  Standard library only.
# SPDX-License-Identifier: BSD-2-Clause
#
#   html_check.py png FILE            a PNG with more than a few colours
#   html_check.py steps DOM JSONL     one labelled step element per step
#                                     record, in record order, their time-axis
#                                     positions in that order, each with its
#                                     hover text
#   html_check.py safe HTML           nothing that loads from anywhere
#   html_check.py inject DOM TEXT     one script element (ours), TEXT shown
#                                     as text
#   html_check.py bound HTML BYTES ELEMENTS   at most so many bytes, elements
#   html_check.py has DOM LABEL WHAT...   the step LABEL has a part of each
#                                     class WHAT (tls, body), or the text
#                                     WHAT (a marker: NEG, EXC)
#   html_check.py blocks DOM NAME...  each NAME is a bracket
#   html_check.py ghosts DOM BASEDOM  each step of DOM that is no DNS lookup
#                                     has one ghost, labelled "baseline",
#                                     at the time (and x) of the same step
#                                     in BASEDOM (the baseline's own run)
#   html_check.py trend DOM SERIES POINTS FAILED
#                                     report --server's chart SERIES has
#                                     POINTS points (at most, with "<="
#                                     before the number), FAILED of them
#                                     failed (at least, with ">="), each
#                                     failed one a cross labelled with a
#                                     mark; the points' x and the time
#                                     axis's ticks in the order of their
#                                     times
import json
import re
import struct
import sys
import zlib
from html.parser import HTMLParser

FIXED = {"0xAD83": "connect", "0xAD07": "connect", "0xAD89": "teardown",
         "0xAD0D": "teardown", "0xAD93": "greeting", "0xAD15": "greeting"}
CMDS = {"0xAD8F", "0xAD91", "0xAD11", "0xAD13"}


def fail(msg):
    print("html_check: " + msg)
    sys.exit(1)


def png_colours(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("%s is not a PNG" % path)
    pos, idat, w, h, ctype = 8, b"", 0, 0, 0
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            if depth != 8 or ctype not in (2, 6):
                fail("PNG of depth %d type %d not read" % (depth, ctype))
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = {}
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        for x in range(0, stride, bpp * 3):
            k = bytes(line[x:x + 3])
            colours[k] = colours.get(k, 0) + 1
        prev = line
    return w, h, colours


class Dom(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.steps, self.scripts, self.stack, self.elements = [], [], [], 0
        self.text, self.script_text = [], []
        self.in_title = None
        self.in_script = False
        self.blocks = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements += 1
        if tag == "script":
            self.scripts.append(a)
            self.in_script = True
        if tag == "g" and "step" in a.get("class", "").split():
            self.steps.append({"a": a, "x": None, "title": "",
                               "parts": set(), "text": ""})
            self.stack.append(len(self.steps) - 1)
        elif tag == "g":
            self.stack.append(None)
        if tag in ("rect", "path") and self.stack and \
                self.stack[-1] is not None and \
                self.steps[self.stack[-1]]["x"] is None and \
                a.get("class") != "ghost":
            s = self.steps[self.stack[-1]]
            if s["x"] is None:
                if tag == "rect":
                    s["x"] = float(a["x"])
                else:
                    s["x"] = float(re.match(r"M([0-9.]+)", a["d"]).group(1))
        if tag == "title" and self.stack and self.stack[-1] is not None:
            self.in_title = self.stack[-1]
        if tag == "g" and "block" in a.get("class", "").split():
            self.blocks.append(a.get("data-name"))
        if tag == "rect" and a.get("class") == "ghost" and self.stack and \
                self.stack[-1] is not None:
            self.steps[self.stack[-1]].setdefault("ghosts", []).append(a)
        if tag in ("rect", "path") and self.stack and \
                self.stack[-1] is not None:
            self.steps[self.stack[-1]]["parts"].update(
                a.get("class", "").split())

    def handle_endtag(self, tag):
        if tag == "g" and self.stack:
            self.stack.pop()
        if tag == "title":
            self.in_title = None
        if tag == "script":
            self.in_script = False

    def handle_data(self, d):
        if self.in_script:
            self.script_text.append(d)
        else:
            self.text.append(d)
        if self.in_title is not None:
            self.steps[self.in_title]["title"] += d
        elif self.stack and self.stack[-1] is not None:
            self.steps[self.stack[-1]]["text"] += d


def parse(path):
    d = Dom()
    d.feed(open(path, encoding="utf-8", errors="replace").read())
    return d


def cmd_png(path):
    w, h, colours = png_colours(path)
    big = [k for k, n in colours.items() if n >= 20]
    if w < 100 or h < 100 or len(big) < 4:
        fail("%s: %dx%d, %d colours (%d common): blank" %
             (path, w, h, len(colours), len(big)))
    print("png %s: %dx%d, %d colours" % (path, w, h, len(colours)))


def cmd_steps(dom, jsonl):
    want = []
    for line in open(jsonl):
        r = json.loads(line)
        ev = r["event"]
        if ev in FIXED:
            want.append((r["session"], r["seq"], FIXED[ev]))
        elif ev in CMDS or ev == "dns":
            want.append((r["session"], r["seq"], r["int"]))
        elif ev == "anomaly":
            want.append((r["session"], r["seq"], r["anomaly"]))
    d = parse(dom)
    got = [(int(s["a"]["data-seq"]), s["a"]["data-label"]) for s in d.steps]
    if [(w[1], w[2]) for w in want] != got:
        fail("steps: want %s\n got %s" % (want, got))
    last_t, last_x = -1, -1.0
    for s in d.steps:
        t = int(s["a"]["data-start-us"])
        if t < last_t or s["x"] is None or s["x"] < last_x:
            fail("step %s starts at %s us, x %s: before the step before it"
                 % (s["a"]["data-seq"], t, s["x"]))
        last_t, last_x = t, s["x"]
        if "seq %s" % s["a"]["data-seq"] not in s["title"]:
            fail("step %s has no hover text with its fields: %r" %
                 (s["a"]["data-seq"], s["title"]))
    print("steps: %d in order" % len(got))


class Loads(HTMLParser):
    """Every element or attribute that could load something."""
    TAGS = {"img", "image", "link", "iframe", "object", "embed", "audio",
            "video", "source", "track", "use", "frame", "base", "meta",
            "feimage", "input", "form"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.bad, self.css = [], []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS and not (tag == "meta" and attrs ==
                                     [("charset", "utf-8")]):
            self.bad.append("<%s>" % tag)
        for k, v in attrs:
            v = v or ""
            if k in ("src", "srcset", "action", "formaction", "data",
                     "poster", "background", "xlink:href"):
                self.bad.append("%s=%r" % (k, v))
            elif k == "href" and not v.startswith("#"):
                self.bad.append("href=%r" % v)
            elif k == "style":
                self.css.append(v)
            elif re.search(r"https?:|//", v) and not k.startswith("data-"):
                self.bad.append("%s=%r" % (k, v))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        self.in_style = False

    def handle_data(self, d):
        if self.in_style:
            self.css.append(d)


def cmd_safe(path):
    p = Loads()
    p.feed(open(path, encoding="utf-8").read())
    for c in p.css:
        for m in re.finditer(r"url\(([^)]*)\)|@import", c, re.I):
            if m.group(0).lower() == "@import" or \
                    not m.group(1).strip("'\" ").startswith("#"):
                p.bad.append(m.group(0))
    if p.bad:
        fail("%s loads from outside: %s" % (path, p.bad[:5]))
    print("safe: nothing external in %s" % path)


def cmd_inject(dom, text):
    d = parse(dom)
    if len(d.scripts) != 1:
        fail("%d script elements in the DOM (want ours alone)" %
             len(d.scripts))
    if "alert" in "".join(d.script_text):
        fail("the injected script's text is in a script element")
    if text not in "".join(d.text):
        fail("the text %r is not shown" % text)
    print("inject: shown as text, one script element")


def cmd_bound(path, maxbytes, maxel):
    n = len(open(path, "rb").read())
    d = parse(path)
    if n > maxbytes or d.elements > maxel:
        fail("%s: %d bytes, %d elements: over %d, %d" %
             (path, n, d.elements, maxbytes, maxel))
    print("bound: %d bytes, %d elements" % (n, d.elements))


def cmd_has(dom, label, what):
    d = parse(dom)
    for s in d.steps:
        if s["a"]["data-label"] != label:
            continue
        for w in what:
            if w not in s["parts"] and w not in s["text"]:
                fail("step %s has no %s (parts %s, text %r)" %
                     (label, w, sorted(s["parts"]), s["text"]))
        print("has: %s has %s" % (label, " ".join(what)))
        return
    fail("no step %s" % label)


def cmd_blocks(dom, names):
    d = parse(dom)
    for n in names:
        if n not in d.blocks:
            fail("no bracket %s (brackets: %s)" % (n, d.blocks))
    print("blocks: %s" % " ".join(names))


def cmd_ghosts(dom, basedom):
    d, b = parse(dom), parse(basedom)
    steps = [s for s in d.steps if s["a"]["data-kind"] != "dns"]
    base = [s for s in b.steps if s["a"]["data-kind"] != "dns"]
    if len(steps) != len(base) or not steps:
        fail("%d steps, the baseline's run %d" % (len(steps), len(base)))
    last = max(steps, key=lambda s: int(s["a"]["data-start-us"]))
    span = int(last["a"]["data-start-us"]) * 560.0 / (last["x"] - 310.0)
    for s, t in zip(steps, base):
        g = s.get("ghosts", [])
        lab = s["a"]["data-label"]
        if len(g) != 1:
            fail("step %s has %d ghosts" % (lab, len(g)))
        g = g[0]
        if lab != t["a"]["data-label"]:
            fail("step %s beside the baseline's %s" %
                 (lab, t["a"]["data-label"]))
        gs, ge = int(g["data-base-start-us"]), int(g["data-base-end-us"])
        if (gs, ge) != (int(t["a"]["data-start-us"]),
                        int(t["a"]["data-end-us"])):
            fail("step %s: ghost at %d..%d us, the baseline's step at "
                 "%s..%s" % (lab, gs, ge, t["a"]["data-start-us"],
                             t["a"]["data-end-us"]))
        # on the session's axis, the run's own: x = 310 + t / span * 560
        # (waterfall.c), span read from the run's last bar
        x = float(g["x"])
        if abs(x - (310.0 + gs * 560.0 / span)) > 1.5:
            fail("step %s: ghost at x %.1f, its time %d us is at %.1f" %
                 (lab, x, gs, 310.0 + gs * 560.0 / span))
        if "baseline" not in s["text"]:
            fail("step %s: no \"baseline\" label: %r" % (lab, s["text"]))
    print("ghosts: %d steps, each beside its baseline step" % len(steps))


class Trend(HTMLParser):
    def __init__(self):
        super().__init__()
        self.series = {}
        self.cur = None
        self.ticks = {}
        self.fail_g = None
        self.fail_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "section" and "series" in cls:
            self.cur = a["data-series"]
            self.series[self.cur] = []
            self.ticks[self.cur] = []
        elif "pt" in cls and "data-t" in a and self.cur is not None:
            if tag == "circle":
                x = float(a["cx"])
            else:
                m = re.match(r"translate\(([-0-9.]+),", a["transform"])
                x = float(m.group(1))
            p = [int(a["data-t"]), x, "fail" in cls, ""]
            self.series[self.cur].append(p)
            if "fail" in cls:
                self.fail_g = p
        elif tag == "text" and "tick" in cls and self.cur is not None:
            self.ticks[self.cur].append((int(a["data-t"]), float(a["x"])))

    def handle_endtag(self, tag):
        if tag == "g":
            self.fail_g = None

    def handle_data(self, data):
        if self.fail_g is not None:
            self.fail_g[3] += data


def cmd_trend(dom, series, points, failed):
    t = Trend()
    t.feed(open(dom, encoding="utf-8").read())
    if series not in t.series:
        fail("no chart %r (charts: %s)" % (series, sorted(t.series)))
    pts = t.series[series]
    n, nf = len(pts), sum(1 for p in pts if p[2])
    if points.startswith("<=") and n > int(points[2:]) or \
            not points.startswith("<=") and n != int(points):
        fail("%s: %d points, not %s" % (series, n, points))
    if failed.startswith(">=") and nf < int(failed[2:]) or \
            not failed.startswith(">=") and nf != int(failed):
        fail("%s: %d failed points, not %s" % (series, nf, failed))
    for p in pts:
        if p[2] and "\u2717" not in p[3]:
            fail("%s: a failed point at %d has no mark" % (series, p[0]))
    srt = sorted(pts, key=lambda p: p[0])
    for a, b in zip(srt, srt[1:]):
        if b[1] < a[1]:
            fail("%s: the point at %d is left of the one at %d" %
                 (series, b[0], a[0]))
    ticks = t.ticks[series]
    if len(ticks) < 2:
        fail("fewer than two ticks on the time axis")
    for a, b in zip(ticks, ticks[1:]):
        if not (b[0] > a[0] and b[1] > a[1]):
            fail("the time axis's ticks are out of order: %r %r" % (a, b))
    print("trend %s: %d points, %d failed, %d ticks in order" %
          (series, n, nf, len(ticks)))


def main():
    a = sys.argv[1:]
    if a[:1] == ["png"]:
        cmd_png(a[1])
    elif a[:1] == ["steps"]:
        cmd_steps(a[1], a[2])
    elif a[:1] == ["safe"]:
        cmd_safe(a[1])
    elif a[:1] == ["inject"]:
        cmd_inject(a[1], a[2])
    elif a[:1] == ["bound"]:
        cmd_bound(a[1], int(a[2]), int(a[3]))
    elif a[:1] == ["has"]:
        cmd_has(a[1], a[2], a[3:])
    elif a[:1] == ["ghosts"]:
        cmd_ghosts(a[1], a[2])
    elif a[:1] == ["trend"]:
        cmd_trend(a[1], a[2], a[3], a[4])
    elif a[:1] == ["blocks"]:
        cmd_blocks(a[1], a[2:])
    else:
        fail("usage: html_check.py png|steps|safe|inject|bound ...")


main()
