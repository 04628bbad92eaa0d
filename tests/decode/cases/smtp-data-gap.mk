# smtp-data-gap: bytes are missing in the middle of a DATA body (client to
# server; the capture cut one body segment to 60 bytes): the gap anomaly,
# and the model picks up again at the server's next reply (the 250 after
# the end of data).  A segment lost from the capture instead is in
# smtp-data-gap-lost.mk.
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
snaplen 60
c2s "line 2 is long enough to be cut by the snap length\r\nline 3\r\n"
snaplen off
c2s "line 30\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 1\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
