# Regression (fixed): with PIPELINING, 0xAD09 (end of the
# recipient block) is emitted before DATA is recorded, i.e. before any RCPT
# reply was seen, so it says rc=0 although a recipient was refused:
#   S1#11  0xAD08  A  rc=0  --
#   S1#12  0xAD10  A  rc=0  RCPT TO:<b@example.test>
#   S1#13  0xAD10  A  rc=0  RCPT TO:<nobody@example.test>
#   S1#14  0xAD09  A  rc=0  --
#   S1#15  0xAD10  A  rc=0  DATA
#   ...
#   S1#18  0xAD11  A  rc=9  RCPT TO:<nobody@example.test>  opr=550  opt=javax.mail.SendFailedException
# Expected (docs/records.md: rc 9 on 0xAD09/0xAD03 when a recipient was
# refused): 0xAD09 rc=9 opt=javax.mail.SendFailedException, placed after
# the last RCPT reply.  0xAD03 is right (rc=9).
flow 4 192.0.2.10 41000 192.0.2.25 25
syn
synack
ack
s2c "220 mx.example.test ESMTP\r\n"
c2s "EHLO client.test\r\n"
s2c "250-mx.example.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
c2s "MAIL FROM:<a@example.test>\r\nRCPT TO:<b@example.test>\r\nRCPT TO:<nobody@example.test>\r\nDATA\r\n"
s2c "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <nobody@example.test>: User unknown\r\n354 End data with <CR><LF>.<CR><LF>\r\n"
c2s "Subject: t\r\n\r\nbody\r\n..dot\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 1234\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-s2c
ack
fin-c2s
ack
