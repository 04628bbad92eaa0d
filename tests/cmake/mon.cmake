# Monitoring's core (src/mon): threshold ranges, step labels, the summary,
# the Prometheus text and the plugin's first line (tests/unit/test_mon.c).
add_executable(test_mon ${CMAKE_SOURCE_DIR}/tests/unit/test_mon.c)
target_include_directories(test_mon PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_mon PRIVATE mt_mon)
add_test(NAME unit.mon COMMAND test_mon)
set_tests_properties(unit.mon PROPERTIES TIMEOUT 60 LABELS unit)
