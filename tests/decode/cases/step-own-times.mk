# step-own-times: a client segment lost from the capture (skip-c2s, never
# captured though the server acknowledged it) holds back everything after
# it until the end of the flow declares the gap, 60 ms later; then the
# held bytes are delivered with their own capture times.  The API points
# that follow a step (SMTP: the mail block at DATA's 354 and at the end of
# data, sendMessage's exit; POP3: connect exit after PASS, Folder.open's
# exit after STAT, the fetch block after UIDL) are at that step's own time
# (struct step: t_after), not at the time of the packet that released the
# bytes (the end of the flow: they were all at .075000, after the QUIT).
# has: ^2023-11-14T22:13:20\.012000Z  S1#20  0xAD0A  A  rc=0  SEND MAIL$
# has: ^2023-11-14T22:13:20\.014000Z  S1#23  0xAD0B  A  rc=0  SEND MAIL  \+2000us$
# has: ^2023-11-14T22:13:20\.014000Z  S1#24  0xAD03  A  rc=0  --  \+8000us$
# has: ^2023-11-14T22:13:20\.047000Z  S2#12  0xAD81  A  rc=0  --  \+8000us$
# has: ^2023-11-14T22:13:20\.049000Z  S2#16  0xAD85  A  rc=0  --  \+1000us$
# has: ^2023-11-14T22:13:20\.051000Z  S2#20  0xAD8B  A  rc=0  --  \+1000us$
# absent: secret
flow 4 192.0.2.10 41011 192.0.2.25 25
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
skip-c2s 6
s2c "250 2.0.0 Ok\r\n"
c2s "DATA\r\n"
s2c "354 go\r\n"
c2s "Subject: times\r\n\r\nline 1\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 1\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
time +20000
fin-c2s
fin-s2c
flow 4 192.0.2.10 40121 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
skip-c2s 6
s2c "+OK\r\n"
c2s "PASS secret\r\n"
s2c "+OK in\r\n"
c2s "STAT\r\n"
s2c "+OK 1 20\r\n"
c2s "UIDL\r\n"
s2c "+OK\r\n1 a\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
time +20000
fin-c2s
fin-s2c
