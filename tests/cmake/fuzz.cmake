# The model under arbitrary input (tests/fuzz/fuzz_conv.c): replay driver
# plus a fixed-seed generator, so CI needs no libFuzzer.
add_executable(fuzz_conv ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_conv.c)
target_link_libraries(fuzz_conv PRIVATE mt_proto)
add_test(NAME fuzz.conv COMMAND fuzz_conv)
set_tests_properties(fuzz.conv PROPERTIES TIMEOUT 300)
