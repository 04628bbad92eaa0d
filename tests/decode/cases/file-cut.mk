# file-cut: the capture file ends in the middle of the packet with the QUIT
# reply: exit 1, the records decoded before are kept, stderr names the
# packet.  The connection's end was not captured: capture_ended_mid_connection,
# and no point is made up for it (QUIT has no "after" record, no teardown).
# cut: 157
# exit: 1
# stderr: ^mailtrace: .*: packet 12: the file is damaged or cut short
flow 4 192.0.2.10 40114 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS pw\r\n"
s2c "+OK in\r\n"
c2s "STAT\r\n"
s2c "+OK 0 0\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
