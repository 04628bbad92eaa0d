# Finding the servers (src/dns, issue 13): the orderings of RFC 5321 5.1
# and RFC 2782, exactly with a scripted random source and their
# distribution (tests/unit/test_dns.c).
add_executable(test_dns ${CMAKE_SOURCE_DIR}/tests/unit/test_dns.c)
target_include_directories(test_dns PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_dns PRIVATE mt_dns)
add_test(NAME unit.dns COMMAND test_dns)
set_tests_properties(unit.dns PROPERTIES TIMEOUT 60 LABELS unit)
