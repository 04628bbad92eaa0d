# The wait door and the event loop (src/loop): tests/unit/test_loop.c.
add_executable(test_loop ${CMAKE_SOURCE_DIR}/tests/unit/test_loop.c)
target_include_directories(test_loop PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_loop PRIVATE mt_loop)
add_test(NAME unit.loop COMMAND test_loop)
set_tests_properties(unit.loop PROPERTIES LABELS unit)
