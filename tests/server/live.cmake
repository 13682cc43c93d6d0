# tests/server/live.cmake: leonetd's live activity map (src/server/live*.c,
# docs/live.md), driven over HTTP by Python scripts (tests/server/lnd.py)
# against a daemon on port 0 with a temporary store (seed-min); the
# browser test drives Debian's chromium with playwright-core, installed
# for tests/activity/browser by the fixture activity_browser_npm.
# (test_live_map.c, the aggregate alone, is a cmocka binary registered
# by the tests/<area>/test_*.c rule.)
foreach(t api sse)
  add_test(NAME server_live_${t}
           COMMAND /usr/bin/python3
                   ${PROJECT_SOURCE_DIR}/tests/server/test_live_${t}.py
                   ${CMAKE_BINARY_DIR})
  set_tests_properties(server_live_${t} PROPERTIES LABELS "server"
                       TIMEOUT 300)
endforeach()
add_test(NAME server_live_browser
         COMMAND /usr/bin/python3
                 ${PROJECT_SOURCE_DIR}/tests/server/test_live_browser.py
                 ${CMAKE_BINARY_DIR} ${LN_NODE_EXE}
                 ${CMAKE_BINARY_DIR}/live-browser.png)
set_tests_properties(server_live_browser PROPERTIES LABELS "server"
  TIMEOUT 300 FIXTURES_REQUIRED activity_browser_npm
  ENVIRONMENT "NODE_PATH=${PROJECT_SOURCE_DIR}/tests/activity/browser/node_modules")
