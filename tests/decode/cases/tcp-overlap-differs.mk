# tcp-overlap-differs: out-of-order server data is held, then a segment
# overlapping it with different bytes arrives: the held copy wins and the
# anomaly overlap_differs names the direction.
flow 4 192.0.2.10 40102 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
c2s "PASS pw\r\n"
# "+OK\r\n" at 11, "+OK in\r\n" at 16; the second comes first, then both
# in one segment with "+OK IN" instead
s2c-at 16 "+OK in\r\n"
s2c-at 11 "+OK\r\n+OK IN\r\n"
skip-s2c 13
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
