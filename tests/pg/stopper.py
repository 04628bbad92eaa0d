#!/usr/bin/env python3
# tests/pg/stopper.py - a POP3 server for one session that stops the
# PostgreSQL store's server in the middle of it (tests/pg/lost.sh): the
# greeting, CAPA, USER and PASS as usual; on STAT it first runs the
# command given (pg_ctl stop) and waits for it, then goes on to QUIT.
# Prints its port on stdout, then "stopped RC" once the command is done.
# SPDX-License-Identifier: BSD-2-Clause
# usage: stopper.py COMMAND [ARG...]
import socket
import subprocess
import sys

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
srv.settimeout(30)
print(srv.getsockname()[1], flush=True)
c, _ = srv.accept()
c.settimeout(30)
f = c.makefile("rwb", buffering=0)


def send(s):
    f.write(s.encode())


send("+OK stopper POP3 ready\r\n")
for line in f:
    cmd = line.decode(errors="replace").rstrip("\r\n").split(" ")[0].upper()
    if cmd == "CAPA":
        send("+OK\r\nUSER\r\n.\r\n")
    elif cmd in ("USER", "PASS"):
        send("+OK\r\n")
    elif cmd == "STAT":
        rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
        print("stopped", rc, flush=True)
        send("+OK 0 0\r\n")
    elif cmd == "QUIT":
        send("+OK bye\r\n")
        break
    else:
        send("-ERR unknown\r\n")
c.close()
