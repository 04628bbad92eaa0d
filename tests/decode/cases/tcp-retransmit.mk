# tcp-retransmit: a client command and a server reply are sent twice, and
# a retransmission partly overlaps new data; every byte is decoded once.
flow 4 192.0.2.10 40101 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
s2c-at 0 "+OK ready\r\n"
c2s "USER bob\r\n"
c2s-at 0 "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS pw\r\n"
# old "PASS pw\r\n" plus new "STAT\r\n" in one segment
c2s-at 10 "PASS pw\r\nSTAT\r\n"
skip-c2s 6
s2c "+OK in\r\n"
s2c "+OK 0 0\r\n"
s2c-at 16 "+OK 0 0\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
c2s-at 25 "QUIT\r\n"
fin-c2s
fin-s2c
