# capture: cap_parse() over every link type, the libpcap edge (cap_loop()
# over files written with pcap_dump), and tools/mkpcap read back.
add_executable(test_pkt ${PROJECT_SOURCE_DIR}/tests/unit/test_pkt.c)
target_include_directories(test_pkt PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_pkt PRIVATE mt_capture PkgConfig::PCAP)
add_test(NAME unit.pkt COMMAND test_pkt)
set_tests_properties(unit.pkt PROPERTIES TIMEOUT 120 LABELS unit)
add_test(NAME unit.mkpcap COMMAND test_pkt --mkpcap $<TARGET_FILE:mkpcap>)
set_tests_properties(unit.mkpcap PROPERTIES TIMEOUT 120 LABELS unit)
