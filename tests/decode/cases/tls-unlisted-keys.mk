# TLS on ports no option names, with the key log (issue 12): the first
# plaintext lines decide the protocol as cleartext's do, and the sessions
# decode as on a port of implicit TLS (the POP3S one's records are
# tls-pop3s-13's).  A TLS flow whose key is missing, and HTTP inside TLS,
# are counted with the --port hint as without keys.  No secret in any output.
# keylog: yes
# absent: hunter2
# absent: AGFsaWNlAHMzY3JldA==
# stderr: ^mailtrace: not decoded: 2 TLS flows on unlisted ports \(server ports 9995, 8443\): if port 9995 is POP3S or SMTPS, say so with --port pop3s=9995 or --port smtps=9995$
flow 4 192.0.2.10 41000 192.0.2.110 8995
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256
s2c "+OK POP3 ready\r\n"
c2s "CAPA\r\n"
s2c "+OK\r\nUSER\r\nUIDL\r\n.\r\n"
c2s "USER bob\r\n"
s2c "+OK\r\n"
c2s "PASS hunter2\r\n"
s2c "+OK logged in\r\n"
c2s "STAT\r\n"
s2c "+OK 1 12\r\n"
c2s "RETR 1\r\n"
s2c "+OK 12 octets\r\nSubject: x\r\n\r\n.\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 41001 192.0.2.25 8465
syn
synack
ack
tls 1.2 ECDHE-ECDSA-CHACHA20-POLY1305
s2c "220 mx.example.test ESMTP\r\n"
c2s "EHLO client.test\r\n"
s2c "250-mx.example.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n"
c2s "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"
s2c "235 2.7.0 Authentication successful\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 41002 192.0.2.110 9995
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256 nokeys
s2c "+OK POP3 ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
flow 4 192.0.2.10 41003 192.0.2.80 8443
syn
synack
ack
tls 1.3 TLS_AES_128_GCM_SHA256
c2s "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
s2c "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
fin-c2s
fin-s2c
