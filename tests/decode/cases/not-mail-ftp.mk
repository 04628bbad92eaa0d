# Regression (issue 9 item 21): an FTP session on a port no option names
# was taken for SMTP by its "220" greeting, and "PASS secret" was recorded
# verbatim in int and in the store.  Recognition by content needs positive
# evidence from the client (sniff.h): FTP's USER after a 220 is none, so
# the flow is ignored; then a Redis client's "AUTH password" answered "+OK"
# is not POP3 either.  Expected: no records at all, the secrets nowhere.
# absent: secret-ftp
# absent: hunter2
# stderr: ^mailtrace: not decoded: 2 TCP flows not mail \(server ports 2121, 6379\)$
flow 4 192.0.2.10 40121 192.0.2.30 2121
syn
synack
ack
s2c "220 ProFTPD 1.3.5 Server (Debian) [192.0.2.30]\r\n"
c2s "USER bob\r\n"
s2c "331 Password required for bob\r\n"
c2s "PASS secret-ftp\r\n"
s2c "230 User bob logged in\r\n"
c2s "QUIT\r\n"
s2c "221 Goodbye.\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 40122 192.0.2.31 6379
syn
synack
ack
c2s "AUTH hunter2\r\n"
s2c "+OK\r\n"
c2s "QUIT\r\n"
s2c "+OK\r\n"
fin-c2s
fin-s2c
