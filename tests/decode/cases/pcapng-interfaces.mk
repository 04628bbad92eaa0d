# pcapng-interfaces: a pcapng with two Ethernet interfaces of the same
# link type and snapshot length, the second described mid-file: libpcap
# reads it, and so does the decoder (the read ahead at open, a packet on
# each interface).
format pcapng
flow 4 192.0.2.10 40117 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
interface en10mb
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
