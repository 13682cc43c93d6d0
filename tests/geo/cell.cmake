# H3-compatible cells (src/geo/cell*.c): h3-js is the oracle.
#   geo_cell_oracle_npm   fixture: installs h3-js into tests/geo/cell_oracle
#                         (npm ci from package-lock.json, once per lockfile:
#                         scripts/npm-ci.sh; node_modules is git-ignored)
#   geo_cell_oracle       quick comparison (auto-registered; ~4 s)
#   geo_cell_oracle_full  1 M random points x 16 resolutions, 200 k edge
#                         points, 300 k outlines, 100 k disks, 100 k
#                         parent/children (label slow, ~2-3 min)
#   geo_cell_areas        outline of Starlink's 297 cells vs the published
#                         polygon (shapely), polyfill vs h3-js
# (LN_NPM_EXE: found with the test dependencies, root CMakeLists.txt)
set(LN_CELL_ORACLE_DIR ${PROJECT_SOURCE_DIR}/tests/geo/cell_oracle)
add_test(NAME geo_cell_oracle_npm
         COMMAND sh ${PROJECT_SOURCE_DIR}/scripts/npm-ci.sh ${LN_NPM_EXE}
                 ${LN_CELL_ORACLE_DIR})
set_tests_properties(geo_cell_oracle_npm PROPERTIES FIXTURES_SETUP cell_h3js
                     TIMEOUT 300 RESOURCE_LOCK npm)
set_tests_properties(geo_cell_oracle PROPERTIES FIXTURES_REQUIRED cell_h3js
                     TIMEOUT 300)
add_test(NAME geo_cell_oracle_full COMMAND test_geo_cell_oracle full)
set_tests_properties(geo_cell_oracle_full PROPERTIES
                     FIXTURES_REQUIRED cell_h3js LABELS slow TIMEOUT 3600)
add_test(NAME geo_cell_areas
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/geo/cell_areas.py
                 $<TARGET_FILE:leonet_cli> ${PROJECT_SOURCE_DIR})
set_tests_properties(geo_cell_areas PROPERTIES FIXTURES_REQUIRED cell_h3js)
