# pop3-one-sided: only the client's direction was captured (asymmetric
# routing): commands without replies, one_sided_capture at the end.
flow 4 192.0.2.10 40105 192.0.2.20 110
syn
c2s "USER bob\r\n"
c2s "PASS pw\r\n"
c2s "STAT\r\n"
c2s "QUIT\r\n"
fin-c2s
