# ipv4-frag: IPv4 fragments (no IP reassembly): the first fragment carries
# the TCP header and 4 payload bytes and is decoded, the second fragment is
# skipped; the client then retransmits the segment unfragmented, which
# fills the hole.  Short segments are not fragmented.  (A fragmented segment
# that is never retransmitted: ipv4-frag-lost.mk.)
# stderr: ^mailtrace: not decoded: 1 packet not TCP/IP \(or a later IPv4 fragment\)$
flow 4 192.0.2.10 40113 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
frag on
c2s "PASS a-long-password-here\r\n"
frag off
c2s-at 10 "PASS a-long-password-here\r\n"
s2c "+OK in\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
