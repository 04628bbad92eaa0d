# net: sockets, TLS and the crypto helpers against local servers only
# (127.0.0.1 and ::1; no internet, no DNS beyond a .invalid name).
find_package(Threads REQUIRED)
add_executable(test_net ${PROJECT_SOURCE_DIR}/tests/unit/test_net.c)
target_link_libraries(test_net PRIVATE mt_net Threads::Threads)
add_test(NAME unit.net COMMAND test_net)
set_tests_properties(unit.net PROPERTIES TIMEOUT 120 LABELS unit)
