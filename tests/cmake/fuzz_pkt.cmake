# The decoder's packet path under arbitrary packets (tests/fuzz/fuzz_pkt.c):
# replay driver for the checked-in corpus plus a fixed-seed generator of
# packet-shaped inputs, so CI needs no libFuzzer.
add_executable(fuzz_pkt ${CMAKE_SOURCE_DIR}/tests/fuzz/fuzz_pkt.c)
target_link_libraries(fuzz_pkt PRIVATE mt_decode)
# corpus_pkt/crash-* are inputs libFuzzer found failing, kept once fixed.
file(GLOB MT_FUZZ_PKT_CORPUS LIST_DIRECTORIES false
     ${CMAKE_SOURCE_DIR}/tests/fuzz/corpus_pkt/*)
list(SORT MT_FUZZ_PKT_CORPUS)
add_test(NAME fuzz.pkt COMMAND fuzz_pkt ${MT_FUZZ_PKT_CORPUS})
set_tests_properties(fuzz.pkt PROPERTIES TIMEOUT 300)

# MT_FUZZ: libFuzzer builds of fuzz_conv and fuzz_pkt (clang only):
# fuzz_conv_libfuzzer and fuzz_pkt_libfuzzer.  The mailtrace sources they
# exercise are compiled into them again with coverage instrumentation (the
# project's libraries stay as they are).  Run e.g.
#   build/fuzz_pkt_libfuzzer -max_total_time=300 CORPUSDIR tests/fuzz/corpus_pkt
option(MT_FUZZ "Build libFuzzer targets (clang)" OFF)
if(MT_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(WARNING "MT_FUZZ needs clang (CMAKE_C_COMPILER=clang); "
                    "the libFuzzer targets are not built")
  else()
    set(MT_FUZZ_FLAGS -fsanitize=fuzzer,address,undefined
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
    # name: the fuzz target; libs: the mailtrace libraries whose sources go in.
    function(mt_libfuzzer name libs)
      set(srcs ${CMAKE_SOURCE_DIR}/tests/fuzz/${name}.c)
      set(incs)
      foreach(lib ${libs})
        get_target_property(lsrcs ${lib} SOURCES)
        get_target_property(ldir ${lib} SOURCE_DIR)
        foreach(s ${lsrcs})
          if(IS_ABSOLUTE ${s})
            list(APPEND srcs ${s})
          else()
            list(APPEND srcs ${ldir}/${s})
          endif()
        endforeach()
        list(APPEND incs $<TARGET_PROPERTY:${lib},INTERFACE_INCLUDE_DIRECTORIES>)
      endforeach()
      add_executable(${name}_libfuzzer ${srcs})
      target_include_directories(${name}_libfuzzer PRIVATE ${incs})
      target_compile_definitions(${name}_libfuzzer PRIVATE MT_FUZZ_LIBFUZZER)
      target_compile_options(${name}_libfuzzer PRIVATE ${MT_FUZZ_FLAGS})
      target_link_options(${name}_libfuzzer PRIVATE ${MT_FUZZ_FLAGS})
    endfunction()
    mt_libfuzzer(fuzz_conv "mt_trace;mt_proto")
    mt_libfuzzer(fuzz_pkt "mt_trace;mt_proto;mt_capture;mt_decode")
    target_link_libraries(fuzz_pkt_libfuzzer PRIVATE PkgConfig::PCAP)
  endif()
endif()
