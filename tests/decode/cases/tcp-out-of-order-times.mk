# tcp-out-of-order-times: the client's STAT and NOOP segments are captured
# out of order, NOOP 6 ms before STAT (which fills the hole before it).
# Each held segment keeps its own capture time through reassembly and the
# model: NOOP's records carry the time NOOP was captured, not STAT's, and
# every elapsed time is the span from a command's own bytes to its reply.
# has: ^2023-11-14T22:13:20\.012000Z  S1#8  0xAD90  B  rc=0  STAT$
# has: ^2023-11-14T22:13:20\.006000Z  S1#9  0xAD90  B  rc=0  NOOP$
# has: ^2023-11-14T22:13:20\.013000Z  S1#10  0xAD91  B  rc=0  STAT  opr=\+OK  \+1000us  reply="0 0"$
# has: ^2023-11-14T22:13:20\.014000Z  S1#11  0xAD91  B  rc=0  NOOP  opr=\+OK  \+8000us$
flow 4 192.0.2.10 40120 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
# "STAT\r\n" is offset 10, "NOOP\r\n" offset 16: NOOP first
c2s-at 16 "NOOP\r\n"
time +5000
c2s-at 10 "STAT\r\n"
skip-c2s 12
s2c "+OK 0 0\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
