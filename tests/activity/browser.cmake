# The activity map page in headless Chromium (tests/activity/browser):
# playwright-core (npm) drives Debian's /usr/bin/chromium (package
# chromium, in scripts/install-deps.sh --test). The fixture
# activity_browser_npm installs the node packages (npm ci, into the
# git-ignored tests/activity/browser/node_modules) when they are missing.
find_program(LN_NODE_EXE node)
find_program(LN_NPM_EXE npm)
if(LN_NODE_EXE AND LN_NPM_EXE)
  set(_lnab ${PROJECT_SOURCE_DIR}/tests/activity/browser)
  add_test(NAME activity_browser_npm
           COMMAND sh -c "[ -d node_modules/playwright-core ] && [ -d node_modules/h3-js ] || ${LN_NPM_EXE} ci --no-audit --no-fund"
           WORKING_DIRECTORY ${_lnab})
  set_tests_properties(activity_browser_npm PROPERTIES
                       FIXTURES_SETUP activity_browser_npm TIMEOUT 300)
  add_test(NAME activity_browser
           COMMAND ${LN_NODE_EXE} ${_lnab}/browser_test.js
                   $<TARGET_FILE:leonet_cli> ${CMAKE_BINARY_DIR}/activity-browser)
  set_tests_properties(activity_browser PROPERTIES
                       FIXTURES_REQUIRED activity_browser_npm TIMEOUT 120
                       ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
endif()
