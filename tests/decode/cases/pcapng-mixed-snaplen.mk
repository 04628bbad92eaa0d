# pcapng-mixed-snaplen: two Ethernet interfaces with different snapshot
# lengths, also refused by libpcap: exit 2 at open, with editcap's fix.
# exit: 2
# stderr: ^mailtrace: .*: a pcapng whose interfaces have different snapshot lengths: libpcap reads one per file; convert it with editcap -F pcap
format pcapng
interface en10mb 65535
flow 4 192.0.2.10 40116 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
