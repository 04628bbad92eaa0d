# time-ts-max: packets stamped ts_sec 0xFFFFFFFF (libpcap reads the 32-bit
# field as signed: one second before the epoch) and then the epoch itself.
# Every record has its whole date: the time formatter's cache of the date
# part once took (time_t)-1 for "empty" and printed ".999999Z" alone.
# has: ^1969-12-31T23:59:59\.999999Z  S1#1  0xAD80
# has: ^1969-12-31T23:59:59\.999999Z  S1#2  0xAD82
# has: ^1970-01-01T00:00:00\.001999Z  S1#3  0xAD83
time @4294967295999999
flow 4 192.0.2.10 40114 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
