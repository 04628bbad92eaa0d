#!/usr/bin/env python3
# tests/dovecot/relay.py - one TCP connection relayed to a loopback server
# from the source address 127.0.0.2, so that the server sees a client whose
# address is not its own (Dovecot treats a client from its own address as
# secured and allows it plaintext authentication whatever
# disable_plaintext_auth says).  The target is 127.0.0.1 all the same.
# SPDX-License-Identifier: BSD-2-Clause
#
# usage: relay.py PORT   (prints the port it listens on, on 127.0.0.1, then
# relays the first connection to 127.0.0.1:PORT and exits when either side
# closes; gives up after 30 s)
import select
import socket
import sys


def main():
    port = int(sys.argv[1])
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    print(ls.getsockname()[1], flush=True)
    ls.settimeout(30)
    c, _ = ls.accept()
    ls.close()
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    peer = {c: s, s: c}
    while True:
        r, _, _ = select.select([c, s], [], [], 30)
        if not r:
            return 1
        for x in r:
            b = x.recv(65536)
            if not b:
                c.close()
                s.close()
                return 0
            peer[x].sendall(b)


if __name__ == "__main__":
    sys.exit(main())
