# smtp-bdat: CHUNKING (RFC 3030): two BDAT chunks, the last with LAST; a
# chunk may contain anything, even lines that look like commands.
flow 4 192.0.2.10 41005 192.0.2.25 25
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
c2s "BDAT 13\r\nQUIT\r\n.\r\nxy\r\n"
s2c "250 2.0.0 13 octets\r\n"
c2s "BDAT 6 LAST\r\nDATA\r\n"
s2c "250 2.0.0 Ok: queued as 2\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
