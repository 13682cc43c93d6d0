# SGP4 oracle test (python3-sgp4 via /usr/bin/python3). Configuring the
# tests fails when the module is missing (root CMakeLists.txt), so its
# exit 77 ("no sgp4 module") is a failure here, never a silent skip.
