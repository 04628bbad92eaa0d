# Regression (issue 9 item 22): bytes missing inside a BDAT chunk (the
# capture cut the chunk's segment to 60 bytes) were not counted against
# the chunk, so the commands after it were eaten as chunk bytes and their
# replies came without a command (zeek/smtp/smtp-bdat-gap.pcap).  The gap
# now counts as the chunk's bytes: QUIT is read as a command again.  Item 26:
# "BDAT 1234 SCRAMBLE" (no LAST) is no chunk: bad_bdat, and its size does
# not eat the QUIT after it (second session).
flow 4 192.0.2.10 41009 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 CHUNKING\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "250 2.1.0 Ok\r\n"
c2s "RCPT TO:<b@example.test>\r\n"
s2c "250 2.1.5 Ok\r\n"
c2s "BDAT 41 LAST\r\n"
snaplen 60
c2s "Subject: cut\r\n\r\nthis chunk is cut short\r\n"
snaplen off
s2c "250 2.0.0 Ok: queued as 3\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 41010 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250-mx\r\n250 CHUNKING\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
s2c "250 2.1.0 Ok\r\n"
c2s "RCPT TO:<b@example.test>\r\n"
s2c "250 2.1.5 Ok\r\n"
c2s "BDAT 1234 SCRAMBLE\r\n"
s2c "501 5.5.4 Syntax: BDAT count [LAST]\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
