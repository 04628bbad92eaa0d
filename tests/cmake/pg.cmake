# The shared store on a real PostgreSQL (tests/pg/, docs/testing.md).
# pg.start starts a private server in ${CMAKE_BINARY_DIR}/pg (its data in
# /tmp/mt-pg.*, 127.0.0.1 on a free port) and writes its env; tests that
# need it declare FIXTURES_REQUIRED pg and run through tests/pg/with.sh.
add_test(NAME pg.start
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/start.sh ${CMAKE_BINARY_DIR}/pg)
set_tests_properties(pg.start PROPERTIES FIXTURES_SETUP pg TIMEOUT 90)
add_test(NAME pg.stop
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/stop.sh ${CMAKE_BINARY_DIR}/pg)
set_tests_properties(pg.stop PROPERTIES FIXTURES_CLEANUP pg TIMEOUT 60)

# The store's unit tests against PostgreSQL (each on an empty database).
add_test(NAME pg.store
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/with.sh ${CMAKE_BINARY_DIR}/pg
          $<TARGET_FILE:test_store> @PG_URL@)
# Every command's output against PostgreSQL equal to the same against sqlite.
add_test(NAME pg.same
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/with.sh ${CMAKE_BINARY_DIR}/pg
          bash ${CMAKE_SOURCE_DIR}/tests/pg/same.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out)
# Eight probes writing at once, and a batch's group commit.
add_test(NAME pg.concurrent
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/with.sh ${CMAKE_BINARY_DIR}/pg
          bash ${CMAKE_SOURCE_DIR}/tests/pg/concurrent.sh $<TARGET_FILE:mailtrace>
          $<TARGET_FILE:fakesrv> ${CMAKE_BINARY_DIR}/test-out)
# The PostgreSQL store's tests share one database: one at a time.
set_tests_properties(pg.store pg.same pg.concurrent PROPERTIES
  FIXTURES_REQUIRED pg RESOURCE_LOCK pg-db TIMEOUT 120)
# A server stopped mid-run (a server of its own), one not there, bad URLs.
add_test(NAME pg.lost
  COMMAND bash ${CMAKE_SOURCE_DIR}/tests/pg/lost.sh $<TARGET_FILE:mailtrace>
          ${CMAKE_BINARY_DIR}/test-out)
set_tests_properties(pg.lost PROPERTIES TIMEOUT 120)
