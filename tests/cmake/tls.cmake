# tls (decoder side): key logs, records, decryption against real OpenSSL
# transcripts made in the test (tests/unit/tlsgen.h): every suite, every
# segmentation, KeyUpdate, HelloRetryRequest, damage, gaps, cuts, missing
# keys, alerts, the memory bounds.
add_executable(test_tls ${PROJECT_SOURCE_DIR}/tests/unit/test_tls.c)
target_include_directories(test_tls PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_tls PRIVATE mt_tls)
add_test(NAME unit.tls COMMAND test_tls)
set_tests_properties(unit.tls PROPERTIES TIMEOUT 120 LABELS unit)
