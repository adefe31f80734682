# routewatch: the two entry points for a fresh Debian machine.
#
#   make demo   install the packages building needs, build, generate the
#               sample archive and run the main job on it
#   make test   install the packages building and testing need, build
#               (release + ASan/UBSan), run the whole test suite on both
#               builds, then bounded fuzzing; ends with "N passed, N failed"
#
# Plain `make` builds build/routewatch.

BUILD ?= build
ASAN ?= build-asan
FUZZ_SECONDS ?= 20

.PHONY: all deps deps-test build build-asan demo test test-fast fuzz clean

all: build

# deps: what building and the demo need; deps-test: that and what the
# tests and fuzzing need (scripts/install-deps.sh lists both)
deps:
	scripts/install-deps.sh build

deps-test:
	scripts/install-deps.sh test

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=release

$(ASAN)/build.ninja:
	meson setup $(ASAN) --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

build-asan: $(ASAN)/build.ninja
	ninja -C $(ASAN)

demo: deps build
	scripts/demo.sh $(BUILD)

# The test command of the README and of CI (.ci/run).
test: deps-test build build-asan
	scripts/test-all.sh $(BUILD) $(ASAN) $(FUZZ_SECONDS)

# Release build only, no fuzzing: for quick iterations.
test-fast: build
	tests/run.sh $(BUILD)

fuzz: deps-test
	fuzz/run.sh

clean:
	rm -rf $(BUILD) $(ASAN) build-fuzz sample
