# Regression (issue 9 item 28), SMTP: the capture ends while MAIL awaits its
# reply: no invented EOFException, no teardown, no API exits; exit 1.
# exit: 1
# stderr: ^mailtrace: .*: 1 mail session was still open at the end of the capture \(no FIN or RST\): its end is not recorded$
flow 4 192.0.2.10 41014 192.0.2.25 25
syn
synack
ack
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
