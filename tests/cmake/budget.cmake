# The decoder's shared byte budget (src/trace/budget.c): its rules, and
# many flows each in the middle of a long line held within it.
add_executable(test_budget ${PROJECT_SOURCE_DIR}/tests/unit/test_budget.c)
target_include_directories(test_budget PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit)
target_link_libraries(test_budget PRIVATE mt_decode)
add_test(NAME unit.budget COMMAND test_budget)
set_tests_properties(unit.budget PROPERTIES TIMEOUT 120 LABELS unit)
