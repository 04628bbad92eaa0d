# SMTP submission with STARTTLS (TLS 1.2, AES-256-GCM) and its key log: EHLO
# again, AUTH PLAIN (masked), a message.
# keylog: yes
# absent: AGFsaWNlAHMzY3JldA==
flow 4 192.0.2.10 41002 192.0.2.25 587
syn
synack
ack
s2c "220 mx.example.test ESMTP\r\n"
c2s "EHLO client.test\r\n"
s2c "250-mx.example.test\r\n250-STARTTLS\r\n250 SIZE 10240000\r\n"
c2s "STARTTLS\r\n"
s2c "220 2.0.0 Ready to start TLS\r\n"
tls 1.2 ECDHE-ECDSA-AES256-GCM-SHA384
c2s "EHLO client.test\r\n"
s2c "250-mx.example.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n"
c2s "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"
s2c "235 2.7.0 Authentication successful\r\n"
c2s "MAIL FROM:<alice@example.test>\r\n"
s2c "250 2.1.0 Ok\r\n"
c2s "RCPT TO:<bob@example.test>\r\n"
s2c "250 2.1.5 Ok\r\n"
c2s "DATA\r\n"
s2c "354 End data with <CR><LF>.<CR><LF>\r\n"
c2s "Subject: t\r\n\r\nhi\r\n.\r\n"
s2c "250 2.0.0 Ok: queued as 4XyZ\r\n"
c2s "QUIT\r\n"
s2c "221 2.0.0 Bye\r\n"
fin-c2s
fin-s2c
