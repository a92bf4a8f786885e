# sitscube — the two commands a new user runs are `make test` and `make demo`.
#
# Builds are release builds. On a CPU with AVX2 + FMA the compiler targets Haswell
# (the median's SIMD sorting network is ~1.6× faster); `make PORTABLE=1 …` keeps
# baseline x86-64 for binaries that must run anywhere.

SWIFT      ?= swift
CONFIG     ?= release
THREADS    ?=
ARCHIVE    ?= sample-data/archive
DEMO_OUT   ?= demo-out

HAS_AVX2 := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo yes)
ifeq ($(PORTABLE)$(HAS_AVX2),yes)
  ARCH_FLAGS := -Xswiftc -target-cpu -Xswiftc haswell
endif
BUILD_FLAGS := -c $(CONFIG) $(ARCH_FLAGS)
TEST_FLAGS  := $(BUILD_FLAGS) -Xswiftc -enable-testing
BIN_DIR      = $(shell $(SWIFT) build $(BUILD_FLAGS) --show-bin-path)
SITSCUBE     = $(BIN_DIR)/sitscube

.PHONY: deps build test test-slurm demo sample-data bench clean

deps:
	@bash scripts/deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Tests build with -enable-testing in the same configuration, so `make build` and
# `make test` share most of the compiled objects.
test: deps
	$(SWIFT) build $(TEST_FLAGS) --build-tests
	$(SWIFT) test $(TEST_FLAGS) --skip-build

# A real single-node Slurm (slurm-wlm + munge) runs a pipeline as shard arrays plus merges;
# needs root. Kept out of `make test`.
test-slurm: build
	@bash scripts/test-slurm.sh "$(SITSCUBE)"

sample-data: build
	$(SITSCUBE) sample-data -o $(ARCHIVE)

demo: sample-data
	@bash scripts/demo.sh "$(SITSCUBE)" "$(ARCHIVE)" "$(DEMO_OUT)"

bench: build
	@bash bench/run.sh "$(SITSCUBE)"

clean:
	rm -rf .build $(DEMO_OUT) $(ARCHIVE)
