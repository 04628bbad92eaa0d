# reply-before-command: replies whose capture time is earlier than their
# command's.  S1: the clock of the server's side runs 3 ms behind (time @):
# the reply to NOOP is stamped before NOOP.  S2: the capture missed the
# client's NOOP and caught its retransmission after the server's reply
# (which acknowledges it and so waits for it in reassembly).  Neither
# gives a negative elapsed time: the anomaly reply_before_command names
# the skew, and the reply's record keeps its command's time, +0us.
# has: ^2023-11-14T22:13:20\.004000Z  S1#6  0xAD90  B  rc=0  NOOP$
# has: ^2023-11-14T22:13:20\.004000Z  S1#7  anomaly  reply_before_command  NOOP: 3000us before the command$
# has: ^2023-11-14T22:13:20\.004000Z  S1#8  0xAD91  B  rc=0  NOOP  opr=\+OK  \+0us$
# has: ^2023-11-14T22:13:20\.015000Z  S2#6  0xAD90  B  rc=0  NOOP$
# has: ^2023-11-14T22:13:20\.015000Z  S2#7  anomaly  reply_before_command  NOOP: 1000us before the command$
# has: ^2023-11-14T22:13:20\.015000Z  S2#8  0xAD91  B  rc=0  NOOP  opr=\+OK  \+0us$
flow 4 192.0.2.10 40121 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "NOOP\r\n"
time @1700000000001000
s2c "+OK\r\n"
time @1700000000006000
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40122 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
# NOOP's first transmission was not captured; its reply was
skip-c2s 6
s2c "+OK\r\n"
c2s-at 0 "NOOP\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
