# Regression (issue 9 item 27): 421 to RCPT; the client sends nothing more
# and closes (FIN); the server's next line comes after the client's FIN and
# draws a reset.  Nobody read that line: no reply_without_command.  The
# connection's end closes Transport.close too, as the probe's records have
# it: 0xAD04 before the teardown, 0xAD05 after it with the last failure.
flow 4 192.0.2.10 41020 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "250 ok\r\n"
c2s "RCPT TO:<b@example.test>\r\n"
s2c "421 4.3.2 closing\r\n"
fin-c2s
s2c "421 4.3.2 service shutting down\r\n"
rst-c2s
