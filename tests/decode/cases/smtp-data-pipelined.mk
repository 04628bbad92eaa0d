# Regression (issue 9 item 23): a client that does not wait for DATA's 354
# sends MAIL, RCPT, DATA, the message and its "." in one segment
# (other/suricata-verify/smtp-pipelining).  The message was parsed as
# commands and the final 250 paired with a message line.  RFC 2920 3.1:
# DATA ends a group, so what follows it is the message; the replies pair
# with MAIL, RCPT, DATA and "." in order.
flow 4 192.0.2.10 41011 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 PIPELINING\r\n"
c2s "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\nSubject: p\r\n\r\nTHIS is a test\r\nQUIT\r\n.\r\n"
s2c "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n250 2.0.0 Ok: queued as 4\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 41012 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 PIPELINING\r\n"
c2s "MAIL FROM:<a@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n"
s2c "250 2.1.0 Ok\r\n550 5.1.1 unknown\r\n554 5.5.1 no valid recipients\r\n"
c2s "RSET\r\n"
s2c "250 2.0.0 Ok\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
