# leonetd's Starlink face and its API description (owner: v2).
# server_v2_openapi checks docs/api/leonetd.yaml itself and the checker (no
# daemon); server_v2_routes compares the yaml with `leonetd routes`; the
# others run a leonetd (tests/server/lnd.py: temp DB, port 0) and check
# every answer against the yaml on close (openapi_check.py).
# server_v2_drive also runs `leonet drive` (the leonet binary).
add_test(NAME server_v2_openapi
  COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/server/test_v2_openapi.py)
set_tests_properties(server_v2_openapi PROPERTIES LABELS "server;v2")
if(TARGET leonetd)
  foreach(t v2 v2_stream v2_starlink_client v2_drive v2_routes)
    add_test(NAME server_${t}
      COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/server/test_${t}.py
              ${CMAKE_BINARY_DIR})
    set_tests_properties(server_${t} PROPERTIES LABELS "server;v2"
      TIMEOUT 300)
  endforeach()
endif()
