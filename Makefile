# leonet - top-level wrapper around CMake/ctest.
#   make run     install missing packages, build, run the main job
#   make test    install missing packages, build, run every test
#                (release build, ASan+UBSan build, short fuzz runs)
#   make build   optimized build under build/ (CLI: build/bin/leonet)
#   make bench   benchmarks (on demand; see docs/BENCHMARKS.md)
JOBS ?= $(shell nproc)
BUILD ?= build
LEONET := $(BUILD)/bin/leonet

.PHONY: all deps test-deps build run test test-release test-asan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

test-deps:
	@bash scripts/install-deps.sh --test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

run: build
	$(LEONET) run

test: test-deps test-release test-asan fuzz

test-release: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE bench

test-asan:
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLN_SANITIZE=ON \
	    -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
	    LSAN_OPTIONS=suppressions=$(CURDIR)/tests/activity/lsan.supp \
	    ctest --output-on-failure -j $(JOBS) -LE 'bench|slow'

fuzz:
	cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DLN_FUZZ=ON \
	    -DLN_TESTS=OFF -DCMAKE_C_COMPILER=clang >/dev/null
	cmake --build build-fuzz -j $(JOBS)
	bash fuzz/run.sh build-fuzz/fuzz

bench: build
	bash bench/run.sh $(LEONET)

clean:
	rm -rf $(BUILD) build-asan build-fuzz
