#!/usr/bin/env python3
# tools/bench/poplib_client.py - the reference client of the POP3
# benchmark (tools/bench/batch.sh): N full sessions one after the other
# with Python's poplib, the same steps as `mailtrace pop3 --retr all`
# (connect, USER/PASS, STAT, LIST n and RETR n of every message, QUIT).
# POP3S uses one SSL context for all sessions (the CA loaded once), as a
# careful Python program would.
# SPDX-License-Identifier: BSD-2-Clause
# usage: poplib_client.py pop3|pop3s HOST PORT USER PASSWORD_FILE N [CAFILE]
import poplib
import ssl
import sys

mode, host, port, user, pwfile, n = sys.argv[1:7]
port, n = int(port), int(n)
with open(pwfile) as f:
    password = f.readline().rstrip("\r\n")
ctx = None
if mode == "pop3s":
    ctx = ssl.create_default_context(cafile=sys.argv[7])
for _ in range(n):
    if ctx is not None:
        p = poplib.POP3_SSL(host, port, context=ctx)
    else:
        p = poplib.POP3(host, port)
    p.user(user)
    p.pass_(password)
    count, _ = p.stat()
    for i in range(1, count + 1):
        p.list(i)
    for i in range(1, count + 1):
        p.retr(i)
    p.quit()
