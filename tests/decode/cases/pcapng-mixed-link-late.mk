# pcapng-mixed-link-late: the second interface (raw IP) is described only
# after four packets of the first (Ethernet).  libpcap stops there: the
# records of those packets are kept, stderr names the packet and says how
# to split the file, exit 2 (not 1: the file is not damaged).
# exit: 2
# partial: yes
# stderr: ^mailtrace: .*: packet 5: a pcapng whose interfaces have different link types \(EN10MB, then RAW\): libpcap reads one link type per file; split it
format pcapng
flow 4 192.0.2.10 40115 192.0.2.20 110
syn
synack
ack
s2c "+OK ready\r\n"
interface raw
c2s "QUIT\r\n"
s2c "+OK bye\r\n"
fin-c2s
fin-s2c
