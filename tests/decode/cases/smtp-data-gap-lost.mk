# smtp-data-gap-lost: a client segment lost from the capture in the middle
# of a DATA body (skip-c2s: never captured, though the server acknowledged
# it).  The server's replies acknowledge client bytes that were not
# delivered, so reassembly holds them back until the client's bytes are
# there or declared missing (here: at the end of the flow): the gap, then
# "." and its 250, then QUIT and its 221, paired as on the wire.  (Before
# the replies waited, they came first, as reply_without_command.)
flow 4 192.0.2.10 41001 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "250 2.1.0 Ok\r\n"
c2s "RCPT TO:<b@example.test>\r\n"
s2c "250 2.1.5 Ok\r\n"
c2s "DATA\r\n"
s2c "354 go\r\n"
c2s "Subject: gap\r\n\r\nline 1\r\n"
skip-c2s 200
c2s "line 30\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 1\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
