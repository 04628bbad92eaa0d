# refused: connections refused by the server (a SYN answered by RST+ACK)
# are recorded as the probe records them (mailtrace pop3/smtp against a
# closed port): the connection fetch fails with ConnectException, then
# teardown and the connect exit with the same failure; no greeting is
# awaited.  POP3 on 110, SMTP on 25 (its SYN sent twice), POP3S on 995 (no
# TLS was started: no "encrypted"); a refused SYN on an unlisted port
# carries nothing to recognise it by and leaves nothing.
flow 4 192.0.2.10 41100 192.0.2.20 110
syn
rst-s2c
flow 4 192.0.2.10 41101 192.0.2.25 25
syn
time +1000000
syn
rst-s2c
flow 4 192.0.2.10 41102 192.0.2.20 995
syn
rst-s2c
flow 4 192.0.2.10 41103 192.0.2.20 10110
syn
rst-s2c
