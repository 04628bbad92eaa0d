# The model under arbitrary input (tests/fuzz/fuzz_conv.c): replay driver
# for the checked-in corpus plus a fixed-seed generator, so CI needs no
# libFuzzer.  corpus_conv/ holds the test cases' conversations
# (tests/fuzz/mkseeds_conv.py writes fake-* and dec-*) and inputs libFuzzer
# found failing, kept once fixed (crash-*).
add_executable(fuzz_conv ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_conv.c)
target_link_libraries(fuzz_conv PRIVATE mt_proto)
file(GLOB MT_FUZZ_CONV_CORPUS LIST_DIRECTORIES false
     ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus_conv/*)
list(SORT MT_FUZZ_CONV_CORPUS)
add_test(NAME fuzz.conv COMMAND fuzz_conv ${MT_FUZZ_CONV_CORPUS})
set_tests_properties(fuzz.conv PROPERTIES TIMEOUT 300)
