# Regression (issue 9 item 25): a capture of the client's side only
# (zeek/smtp-one-side-only.pcap gave 922 records from 19 packets, 296
# unknown_command, 243 pending_overflow): with no 354 to wait for, the
# message was read as commands.  DATA now starts the message when the
# client sends it (RFC 2920 3.1), so the body's lines are counted, not
# recorded, and the "." ends it.
flow 4 192.0.2.10 41013 192.0.2.25 25
syn
c2s "EHLO c\r\n"
c2s "MAIL FROM:<a@example.test>\r\n"
c2s "RCPT TO:<b@example.test>\r\n"
c2s "DATA\r\n"
c2s "Subject: one side\r\n\r\nRCPT TO:<not-a-command@example.test>\r\nQUIT\r\nhello\r\n"
c2s ".\r\n"
c2s "QUIT\r\n"
fin-c2s
