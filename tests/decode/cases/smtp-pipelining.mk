# smtp-pipelining: an SMTP session with PIPELINING (RFC 2920): MAIL, two
# RCPT and DATA in one segment, their replies in one segment; both
# recipients are accepted (a refused one: smtp-pipelining-refused.mk).  Replies pair with commands in order.
# snap: 70
flow 4 192.0.2.10 41000 192.0.2.25 25
syn
synack
ack
s2c "220 mx.example.test ESMTP\r\n"
c2s "EHLO client.test\r\n"
s2c "250-mx.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
c2s "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<c@example.test>\r\nDATA\r\n"
s2c "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
c2s "Subject: t\r\n\r\nbody\r\n..dot\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 1234\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-s2c
ack
fin-c2s
ack
