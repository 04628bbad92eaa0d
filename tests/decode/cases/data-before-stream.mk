# data-before-stream: server data numbered 1000 below the start of its
# stream (the SYN-ACK's sequence number + 1), as in
# pcredz/realistic_network_traffic.pcap, where a generator numbered both
# directions from one counter: no byte of the stream, so not decoded, and
# never dropped without a word: data_before_stream (direction, octets, how
# far below).  The greeting then comes where it belongs and pairs.
flow 4 192.0.2.10 41200 192.0.2.25 25
syn
synack
ack
s2c-at 4294966296 "220 mx ESMTP early\r\n"
s2c "220 mx ESMTP\r\n"
c2s "EHLO c\r\n"
s2c "250 mx\r\n"
c2s "QUIT\r\n"
s2c "221 bye\r\n"
fin-c2s
fin-s2c
