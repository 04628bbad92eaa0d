# not-mail: an HTTP exchange on port 8080, UDP on a mail port and ARP are
# ignored: no records at all; then a POP3 session on 110 is session 1.
# stderr: ^mailtrace: not decoded: 2 packets not TCP/IP \(or later IPv4 fragments\); 1 TCP flow not mail \(server port 8080\)$
flow 4 192.0.2.10 40111 192.0.2.30 8080
syn
synack
ack
c2s "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
s2c "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40112 192.0.2.20 110
udp-c2s "USER bob\r\n"
hex ff ff ff ff ff ff 02 00 00 00 00 01 08 06 00 01 08 00 06 04 00 01 02 00 00 00 00 01 c0 00 02 0a 00 00 00 00 00 00 c0 00 02 14
syn
synack
ack
s2c "+OK ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
