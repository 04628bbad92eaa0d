# The explanation table (events/explain.def, src/explain): every row matched
# by a real reply line in the table's order, and docs/troubleshooting.md
# lists every row (tests/unit/test_explain.c).
add_executable(test_explain ${CMAKE_SOURCE_DIR}/tests/unit/test_explain.c)
target_include_directories(test_explain PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_explain PRIVATE mt_explain)
add_test(NAME unit.explain COMMAND test_explain
         ${CMAKE_SOURCE_DIR}/docs/troubleshooting.md)
set_tests_properties(unit.explain PROPERTIES TIMEOUT 60 LABELS unit)
