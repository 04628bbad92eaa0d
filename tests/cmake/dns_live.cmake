# The tests' DNS server (tests/dns/start.sh: dnsmasq, docs/testing.md "The
# DNS server"), after Dovecot and Postfix (its SRV records carry their
# ports); tests/dns/dns.sh drives MX and SRV resolution into them.
add_test(NAME dns.start
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dns/start.sh ${CMAKE_BINARY_DIR}/dns
                 ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix)
set_tests_properties(dns.start PROPERTIES FIXTURES_SETUP dns
                     FIXTURES_REQUIRED "postfix;dovecot;certs" TIMEOUT 60)
add_test(NAME dns.stop
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dns/stop.sh ${CMAKE_BINARY_DIR}/dns)
set_tests_properties(dns.stop PROPERTIES FIXTURES_CLEANUP dns
                     FIXTURES_REQUIRED "postfix;dovecot" TIMEOUT 60)
foreach(group mx srv fail)
  add_test(NAME dns.${group}
    COMMAND bash ${CMAKE_SOURCE_DIR}/tests/dns/dns.sh $<TARGET_FILE:mailtrace>
            ${CMAKE_BINARY_DIR}/dns ${CMAKE_BINARY_DIR}/dovecot ${CMAKE_BINARY_DIR}/postfix
            ${CMAKE_BINARY_DIR}/certs ${CMAKE_BINARY_DIR}/test-out/dns ${group}
            $<TARGET_FILE:fakesrv>)
  set_tests_properties(dns.${group} PROPERTIES
    FIXTURES_REQUIRED "dns;postfix;dovecot;certs"
    RESOURCE_LOCK "mailbox-rcpt;postfix-rcpt" TIMEOUT 120)
endforeach()
