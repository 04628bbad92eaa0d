#!/usr/bin/env python3
# tests/dns/silent.py PORTFILE PIDFILE - a UDP (and TCP) listener on
# 127.0.0.1 that reads DNS queries and never answers: dnsmasq forwards
# slow.test to it, so a lookup there times out through a real resolver.
# Writes its port to PORTFILE and its pid to PIDFILE (after the sockets are
# bound); ends by itself after 900 s, or on SIGTERM (tests/dns/stop.sh).
# SPDX-License-Identifier: BSD-2-Clause
import os
import select
import socket
import sys
import time

portfile, pidfile = sys.argv[1], sys.argv[2]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
port = u.getsockname()[1]
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    t.bind(("127.0.0.1", port))
    t.listen(8)
except OSError:
    t = None
with open(pidfile + ".tmp", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(pidfile + ".tmp", pidfile)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % port)
os.rename(portfile + ".tmp", portfile)
end = time.monotonic() + 900
held = []
socks = [u] + ([t] if t else [])
while time.monotonic() < end:
    r, _, _ = select.select(socks, [], [], 1.0)
    for s in r:
        if s is u:
            u.recvfrom(4096)          # read, never answer
        else:
            c, _ = s.accept()
            held.append(c)            # hold it open, never answer
            if len(held) > 64:
                held.pop(0).close()
