# KNOWN BUG (not registered): a TCP segment sent as IPv4 fragments and
# never retransmitted.  docs/capture.md says the first fragment's
# "wire_len comes from its total length, so the rest shows up as a gap",
# but a first fragment's total length covers only that fragment
# (pkt.c: wire_len = len = 4), so reassembly sees no cut: the rest of the
# segment is a hole, every later client byte is held until the end of the
# flow, and the server's replies are decoded first.  Actual:
#   S1#7   0xAD8F  A  rc=0  USER bob  opr=+OK
#   S1#8   anomaly  reply_without_command  +OK in
#   S1#9   anomaly  reply_without_command  +OK bye
#   S1#10  anomaly  gap  23 octets missing client to server
#   S1#11  0xAD90  B  rc=0  QUIT
#   S1#12  0xAD91  B  rc=6  QUIT  opt=java.io.EOFException
#   S1#13  0xAD88 / S1#14 0xAD89 / S1#15  0xAD81  A  rc=0
# (PASS is never recorded.)  Expected: the gap reported when the fragment is
# seen (or at the latest when the server acknowledges bytes past the hole),
# the PASS line dropped as the line in progress, the replies paired:
# QUIT +OK.  See also smtp-data-gap-lost.mk.
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
s2c "+OK in\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
