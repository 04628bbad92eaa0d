# The TLS layer's record path (tests/fuzz/fuzz_tls.c): replays the
# checked-in corpus tests/fuzz/corpus_tls/ (real transcripts with their key
# logs, written by `test_tls --seeds DIR`; inputs libFuzzer found failing,
# crash-*, kept once fixed) and mutates each input with a fixed-seed
# generator, so CI needs no libFuzzer.
add_executable(fuzz_tls ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_tls.c)
target_link_libraries(fuzz_tls PRIVATE mt_tls)
file(GLOB MT_FUZZ_TLS_CORPUS LIST_DIRECTORIES false
     ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus_tls/*)
list(SORT MT_FUZZ_TLS_CORPUS)
add_test(NAME fuzz.tls COMMAND fuzz_tls ${MT_FUZZ_TLS_CORPUS})
set_tests_properties(fuzz.tls PROPERTIES TIMEOUT 300)

# MT_FUZZ (fuzz_pkt.cmake defines mt_libfuzzer): fuzz_tls_libfuzzer, e.g.
#   build-fuzz/tests/fuzz_tls_libfuzzer -max_total_time=120 -max_len=16384 DIR
if(MT_FUZZ AND COMMAND mt_libfuzzer)
  mt_libfuzzer(fuzz_tls "mt_trace;mt_tls")
  target_link_libraries(fuzz_tls_libfuzzer PRIVATE OpenSSL::SSL OpenSSL::Crypto)
endif()
