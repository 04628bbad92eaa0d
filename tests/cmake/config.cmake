# Java .properties files (src/config/props.c): the format's cases, their
# expected entries printed by Java's own Properties.load(); the refusals,
# the bounds, and random bytes.
add_executable(test_props ${CMAKE_SOURCE_DIR}/tests/unit/test_props.c)
target_include_directories(test_props PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_props PRIVATE mt_config)
add_test(NAME unit.props COMMAND test_props)
set_tests_properties(unit.props PROPERTIES LABELS unit)
