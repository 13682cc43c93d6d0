# leonet - top-level wrapper around CMake/ctest.
#   make run     install missing packages, build, run the main job
#   make test    install missing packages, build, run every test
#                (release build, ASan+UBSan build, short fuzz runs)
#   make build   optimized build under build/ (CLI: build/bin/leonet),
#                without the tests (their packages come with make test)
#   make bench   benchmarks (on demand; see docs/BENCHMARKS.md); their
#                peers (GEOS, node, python) come with the test packages
# Every target re-runs CMake's configure step (a second or two), so a
# package installed or removed since the last command is seen: the
# configuration is never reused as it was cached.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
LEONET := $(BUILD)/bin/leonet
CMAKE_RELEASE := cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

.PHONY: all deps test-deps build run test test-release test-asan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

build: deps
	$(CMAKE_RELEASE) -DLN_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(LEONET) run

test: test-release test-asan fuzz

test-release: test-deps
	$(CMAKE_RELEASE) -DLN_TESTS=ON >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE bench

test-asan: test-deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLN_SANITIZE=ON \
	    -DLN_TESTS=ON -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build-asan -j $(JOBS)
	# intercept_tls_get_addr=0: clang 14's LeakSanitizer reads a bogus
	# dynamic-TLS range on a fresh Debian 12 and its tracer crashes at exit
	# ("Tracer caught signal 11", "DTLS 7 at 0x59c-..."); without the DTLS
	# interception leaks are still checked (static TLS, stacks, globals).
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:intercept_tls_get_addr=0 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/activity/lsan.supp \
	    ctest --output-on-failure -j $(JOBS) -LE 'bench|slow'

fuzz: test-deps
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLN_FUZZ=ON \
	    -DLN_TESTS=OFF -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	bash fuzz/run.sh build-fuzz/fuzz

bench: test-deps build
	bash bench/run.sh $(LEONET)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
