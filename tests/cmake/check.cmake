# The regression check's core (src/check): the normalisation rules on real
# servers' reply lines, --ignore rules, alignment; and docs/check.md names
# every default rule.
add_executable(test_check ${CMAKE_SOURCE_DIR}/tests/unit/test_check.c)
target_include_directories(test_check PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_check PRIVATE mt_check)
add_test(NAME unit.check COMMAND test_check ${CMAKE_SOURCE_DIR}/docs/check.md)
set_tests_properties(unit.check PROPERTIES TIMEOUT 60 LABELS unit)
