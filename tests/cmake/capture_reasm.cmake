# capture: TCP reassembly (src/capture/reasm.c) from hand-built segments,
# plus a fixed-seed random stream and hostile-input rounds.
add_executable(test_reasm ${PROJECT_SOURCE_DIR}/tests/unit/test_reasm.c)
target_include_directories(test_reasm PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_reasm PRIVATE mt_capture)
add_test(NAME unit.reasm COMMAND test_reasm)
set_tests_properties(unit.reasm PROPERTIES TIMEOUT 120 LABELS unit)
