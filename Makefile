# Jorge: `make run` to try it, `make test` to check it. Everything else is in README.md.
BUILD_DIR ?= build
FUZZ_DIR ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps build run test bench fuzz clean

all: build

deps:
	@scripts/install-deps.sh build

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) --target jorge -j $(JOBS)

run: build
	@scripts/run-demo.sh $(BUILD_DIR)/jorge

test: deps $(BUILD_DIR)/build.ninja
	@scripts/install-deps.sh test
	cmake --build $(BUILD_DIR) -j $(JOBS)
	@scripts/test.sh $(BUILD_DIR) $(FUZZ_DIR)

bench: deps $(BUILD_DIR)/build.ninja
	@scripts/install-deps.sh bench
	cmake --build $(BUILD_DIR) -j $(JOBS) --target all benchmarks
	@scripts/bench.sh $(BUILD_DIR)

fuzz: deps
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-300} scripts/fuzz.sh $(FUZZ_DIR)

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_DIR)
