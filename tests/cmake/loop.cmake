# The wait door and the event loop (src/loop): tests/unit/test_loop.c, with
# the x86-64 switch (ctx.c) and again with swapcontext, the other
# architectures' (MT_LOOP_UCONTEXT).
add_executable(test_loop ${CMAKE_SOURCE_DIR}/tests/unit/test_loop.c)
target_include_directories(test_loop PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_loop PRIVATE mt_loop m)
add_test(NAME unit.loop COMMAND test_loop)
set_tests_properties(unit.loop PROPERTIES LABELS unit)

add_library(mt_loop_uc STATIC ${CMAKE_SOURCE_DIR}/src/loop/wait.c
  ${CMAKE_SOURCE_DIR}/src/loop/loop.c ${CMAKE_SOURCE_DIR}/src/loop/ctx.c)
target_compile_definitions(mt_loop_uc PRIVATE MT_LOOP_UCONTEXT)
target_include_directories(mt_loop_uc PUBLIC ${CMAKE_SOURCE_DIR}/src/loop)
target_link_libraries(mt_loop_uc PUBLIC mt_trace)
add_executable(test_loop_uc ${CMAKE_SOURCE_DIR}/tests/unit/test_loop.c)
target_include_directories(test_loop_uc PRIVATE ${CMAKE_SOURCE_DIR}/tests/unit)
target_link_libraries(test_loop_uc PRIVATE mt_loop_uc m)
add_test(NAME unit.loop-ucontext COMMAND test_loop_uc)
set_tests_properties(unit.loop-ucontext PROPERTIES LABELS unit)
