# ipv4-frag-lost: a TCP segment sent as IPv4 fragments and never
# retransmitted (no IP reassembly: only the first fragment's 4 bytes are
# decoded).  The server's "+OK in" acknowledges the whole PASS line, so it
# waits for the missing bytes; at the end of the flow they are declared a
# gap, the partial PASS line is dropped, "+OK in" answers no recorded
# command (reply_without_command: the secret line is never shown), and
# QUIT pairs with its own "+OK bye".
# absent: a-long-password-here
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
s2c "+OK in\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
