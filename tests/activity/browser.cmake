# The activity map page in headless Chromium (tests/activity/browser):
# playwright-core (npm) drives Debian's /usr/bin/chromium (package
# chromium, in scripts/install-deps.sh --test). The fixture
# activity_browser_npm installs the node packages (npm ci, into the
# git-ignored tests/activity/browser/node_modules) when they are missing
# or were installed from another package-lock.json (scripts/npm-ci.sh).
# node, npm and chromium are checked with the test dependencies (root
# CMakeLists.txt): configuring the tests fails when one is missing.
set(_lnab ${PROJECT_SOURCE_DIR}/tests/activity/browser)
add_test(NAME activity_browser_npm
         COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/npm-ci.sh ${LN_NPM_EXE} ${_lnab})
set_tests_properties(activity_browser_npm PROPERTIES
                     FIXTURES_SETUP activity_browser_npm TIMEOUT 300
                     RESOURCE_LOCK npm)
add_test(NAME activity_browser
         COMMAND ${LN_NODE_EXE} ${_lnab}/browser_test.js
                 $<TARGET_FILE:leonet_cli> ${CMAKE_BINARY_DIR}/activity-browser)
set_tests_properties(activity_browser PROPERTIES
                     FIXTURES_REQUIRED activity_browser_npm TIMEOUT 120
                     ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/activity/lsan.supp")
