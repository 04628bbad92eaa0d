# Unit tests of the output sinks and the sqlite store (src/sink, src/store).
add_executable(test_sink ${CMAKE_SOURCE_DIR}/tests/unit/test_sink.c)
target_link_libraries(test_sink PRIVATE mt_sink mt_trace)
add_test(NAME unit.sink COMMAND test_sink)

# test_store also reads the schema with sqlite directly.
add_executable(test_store ${CMAKE_SOURCE_DIR}/tests/unit/test_store.c)
target_link_libraries(test_store PRIVATE mt_store mt_sink mt_trace
                      SQLite::SQLite3)
add_test(NAME unit.store COMMAND test_store)
