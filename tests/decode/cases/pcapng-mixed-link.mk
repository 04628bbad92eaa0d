# pcapng-mixed-link: a pcapng with two interfaces of different link types
# (Ethernet, Linux cooked), both described before the first packet, as
# capture tools and mergecap write them.  libpcap reads one link type per
# file: the file is refused at open (exit 2, nothing decoded or stored),
# saying what it is and how to split it, not called damaged.
# exit: 2
# stderr: ^mailtrace: .*: a pcapng whose interfaces have different link types \(EN10MB, then LINUX_SLL\): libpcap reads one link type per file; split it by interface: tshark .*editcap -F pcap
format pcapng
linktype en10mb
interface sll
flow 4 192.0.2.10 40114 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
