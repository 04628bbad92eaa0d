# mailtrace runs, stats and show's filters on real runs of the fake server
# and a decoded capture (tests/query/runs.sh); the queries and statistics
# on a built store (tests/unit/test_query.c).
add_test(NAME query.runs
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/query/runs.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> $<TARGET_FILE:mkpcap> ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(query.runs PROPERTIES TIMEOUT 90)
add_executable(test_query ${CMAKE_SOURCE_DIR}/tests/unit/test_query.c)
target_link_libraries(test_query PRIVATE mt_query mt_check mt_store mt_trace
                      SQLite::SQLite3)
add_test(NAME unit.query COMMAND test_query)
set_tests_properties(unit.query PROPERTIES TIMEOUT 60 LABELS unit)
