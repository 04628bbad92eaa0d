#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mkseeds_conv.py - seed inputs for the protocol-model fuzz target.

Turns the conversations of the test cases into inputs of
tests/fuzz/fuzz_conv.c, so the CI replay (fuzz.conv) and libFuzzer runs
start from real POP3 and SMTP sessions:

  tests/fake/cases/*.case   fakesrv scripts (docs/fakesrv.md): "send" and
                            its kin are the server's side, "expect" and its
                            kin the client's
  tests/decode/cases/*.mk   mkpcap scripts (docs/capture.md): the in-order
                            "c2s"/"s2c" segments of each flow

usage: mkseeds_conv.py [--fake DIR] [--decode DIR] OUTDIR

OUTDIR is emptied of seed files (fake-*, dec-*) and written again; the
output is deterministic.  See docs/testing.md, "Model fuzzing".

The fuzz_conv input: byte 0 = bit 0 SMTP (else POP3), bit 1 advanced
level, bits 5-6 the close reason (0 FIN, 1 RST, 2 timeout); then chunks,
each a control byte (high bit: server to client; low 7 bits: the length)
and its bytes.  Two control bytes are special and take the 127 bytes
after them: 0x7f, a client-to-server gap of as many bytes as the next
byte says, and 0xff, the switch to TLS.  So plain chunks are at most 126
bytes long.
"""
import hashlib
import os
import re
import sys

CHUNK_MAX = 126
SEED_MAX = 4096          # bytes per seed; longer conversations are cut
REPEAT_MAX = 512         # bytes a send-repeat contributes
FILE_MAX = 2048          # bytes a send-file contributes
CLOSE = {"fin": 0, "rst": 1, "timeout": 2}
POP3_PORTS = {110}
SMTP_PORTS = {25, 587, 2525}
TLS_PORTS = {995, 465}   # implicit TLS: nothing for the model


class Script(Exception):
    pass


def unquote(s):
    """The C-escaped text of a double-quoted string (both tools' escapes)."""
    s = s.strip()
    m = re.match(r'"((?:[^"\\]|\\.)*)"', s)
    if m is None:
        raise Script("not a quoted string: " + s)
    body, out, i = m.group(1), bytearray(), 0
    esc = {"r": 13, "n": 10, "t": 9, "\\": 92, '"': 34}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("latin-1")
            i += 1
            continue
        n = body[i + 1]
        if n in esc:
            out.append(esc[n])
            i += 2
        elif n == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif n in "01234567":
            j = i + 1
            while j < len(body) and j < i + 4 and body[j] in "01234567":
                j += 1
            out.append(int(body[i + 1:j], 8) & 0xff)
            i = j
        else:
            raise Script("unknown escape \\" + n)
    return bytes(out)


class Seed:
    def __init__(self, smtp, advanced):
        self.smtp = smtp
        self.advanced = advanced
        self.close = "fin"
        self.body = bytearray()
        self.tls = False

    def add(self, s2c, data):
        if self.tls:
            return
        for o in range(0, len(data), CHUNK_MAX):
            part = data[o:o + CHUNK_MAX]
            self.body.append((0x80 if s2c else 0) | len(part))
            self.body += part

    def gap(self, n):
        while n > 0 and not self.tls:
            k = min(n, 255)
            self.body += bytes([0x7f, k]) + bytes(126)
            n -= k

    def starttls(self):
        if not self.tls:
            self.body += bytes([0xff]) + bytes(127)
            self.tls = True

    def bytes(self):
        head = (1 if self.smtp else 0) | (2 if self.advanced else 0) | \
            CLOSE[self.close] << 5
        out = bytes([head]) + bytes(self.body)
        return out[:SEED_MAX]


def words(line):
    """Command and the rest, a trailing comment dropped (fakesrv rules)."""
    line = line.strip()
    cmd, _, rest = line.partition(" ")
    rest = rest.strip()
    if rest and not rest.startswith('"'):
        rest = rest.split("#", 1)[0].strip()
    elif rest:
        m = re.match(r'("(?:[^"\\]|\\.)*")\s*(?:#.*)?$', rest)
        if m is None:
            m = re.match(r'(\S+\s+"(?:[^"\\]|\\.)*")\s*(?:#.*)?$', rest)
        if m is not None:
            rest = m.group(1)
    return cmd, rest


def from_case(path):
    """One seed from a fakesrv case script."""
    lines = open(path, encoding="utf-8").read().splitlines()
    smtp = any(x.strip() == "#! command smtp" for x in lines)
    advanced = any(x.startswith("#! args") and "--level advanced" in x
                   for x in lines)
    seed = Seed(smtp, advanced)
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cmd, rest = words(line)
        if cmd == "send" or cmd == "tls-send-plain":
            seed.add(True, unquote(rest))
        elif cmd == "send-repeat":
            n, text = rest.split(None, 1)
            text = unquote(text)
            seed.add(True, text * max(1, min(int(n),
                                             REPEAT_MAX // len(text))))
        elif cmd == "trickle":
            _, text = rest.split(None, 1)
            for b in unquote(text):
                seed.add(True, bytes([b]))
        elif cmd == "send-file":
            name = unquote(rest) if rest.startswith('"') else rest.encode()
            fp = os.path.join(os.path.dirname(path), name.decode())
            with open(fp, "rb") as f:
                seed.add(True, f.read(FILE_MAX))
        elif cmd in ("expect", "expect-prefix"):
            seed.add(False, unquote(rest) + b"\r\n")
        elif cmd == "recv":
            seed.add(False, b"NOOP\r\n")
        elif cmd == "recv-until":
            end = unquote(rest)
            if end == b".":
                seed.add(False, b"Subject: seed\r\n\r\nbody\r\n..dot\r\n")
            seed.add(False, end + b"\r\n")
        elif cmd == "starttls":
            seed.starttls()
        elif cmd == "reset":
            seed.close = "rst"
            break
        elif cmd == "hang":
            seed.close = "timeout"
            break
        elif cmd in ("close", "wait-close"):
            break
        elif cmd in ("auth-begin", "auth-end"):
            pass
        else:
            raise Script("%s: unknown command %s" % (path, cmd))
    return seed


def from_mk(path):
    """Seeds from an mkpcap script: one per flow the model would see."""
    seeds, cur = [], None
    text = open(path, encoding="utf-8").read().splitlines()
    ports = {}
    for line in text:
        m = re.match(r"#\s*args:.*--port\s+(pop3|smtp)=(\d+)", line)
        if m:
            ports[int(m.group(2))] = m.group(1) == "smtp"
    for line in text:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cmd, rest = words(line)
        if cmd == "flow":
            sport = int(rest.split()[4])
            cur = None
            if sport in TLS_PORTS:
                continue
            smtp = ports.get(sport, sport in SMTP_PORTS)
            cur = [Seed(smtp, True), sport in POP3_PORTS | SMTP_PORTS or
                   sport in ports]
            seeds.append(cur)
        elif cur is None:
            continue
        elif cmd in ("c2s", "s2c"):
            data = unquote(rest)
            if not cur[1] and cmd == "s2c" and not cur[0].body:
                cur[0].smtp = data[:1].isdigit()    # sniffed: the greeting
                cur[1] = True
            elif not cur[1] and cmd == "c2s":
                cur[0].smtp = data[:4].upper() in (b"EHLO", b"HELO")
                cur[1] = True
            cur[0].add(cmd == "s2c", data)
        elif cmd == "skip-c2s":
            cur[0].gap(int(rest))
        elif cmd in ("rst-c2s", "rst-s2c"):
            cur[0].close = "rst"
    return [s for s, _ in seeds]


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(os.path.dirname(here))
    fake = os.path.join(top, "tests", "fake", "cases")
    dec = os.path.join(top, "tests", "decode", "cases")
    args = argv[1:]
    while len(args) > 1 and args[0] in ("--fake", "--decode"):
        if args[0] == "--fake":
            fake = args[1]
        else:
            dec = args[1]
        args = args[2:]
    if len(args) != 1 or args[0].startswith("-"):
        sys.stderr.write("usage: mkseeds_conv.py [--fake DIR] "
                         "[--decode DIR] OUTDIR\n")
        return 2
    out = args[0]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.startswith(("fake-", "dec-")):
            os.unlink(os.path.join(out, f))
    seen, n = set(), 0
    jobs = [("fake-", os.path.join(fake, f), from_case)
            for f in sorted(os.listdir(fake)) if f.endswith(".case")]
    jobs += [("dec-", os.path.join(dec, f), from_mk)
             for f in sorted(os.listdir(dec)) if f.endswith(".mk")]
    for prefix, path, conv in jobs:
        try:
            got = conv(path)
        except (Script, ValueError, IndexError, OSError) as e:
            sys.stderr.write("mkseeds_conv: %s: %s\n" % (path, e))
            return 1
        got = got if isinstance(got, list) else [got]
        got = [s for s in got if s.body]    # nothing for the model
        base = prefix + os.path.basename(path).rsplit(".", 1)[0]
        for i, s in enumerate(got):
            b = s.bytes()
            h = hashlib.sha256(b).digest()
            if h in seen:
                continue            # the same conversation as another case
            seen.add(h)
            name = base if i == 0 else "%s-%d" % (base, i + 1)
            with open(os.path.join(out, name), "wb") as f:
                f.write(b)
            n += 1
    print("mkseeds_conv: %d seeds in %s" % (n, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
