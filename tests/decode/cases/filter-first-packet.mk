# filter-first-packet: --filter on a file drops the first packet (the
# client's SYN).  The file's first packet is read at open, before the
# filter is set (docs/capture.md, "Interfaces that differ"), and must
# still go through it: the flow starts mid-connection, as without the
# read ahead.
# args: --filter=tcp[13]!=2
flow 4 192.0.2.10 40118 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
