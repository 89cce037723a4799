# ssert — one entry point for every chore.
#
# Each part of the project owns one fragment in mk/ (mk/rust.mk, mk/js.mk, mk/python.mk, ...).
# A fragment registers its setup and test targets by appending to SETUP_TARGETS and TEST_TARGETS;
# this file only orders them. `make test` is what CI runs (see .ci/run).

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Fragments append to these.
SETUP_TARGETS :=
TEST_TARGETS :=
DEMO_TARGETS :=
FUZZ_TARGETS :=
BENCH_TARGETS :=
CLEAN_TARGETS :=

CARGO ?= cargo

# Rust first: its setup installs the toolchain pieces (wasm32 target, nightly) the bindings'
# builds need, and its tests are the quickest signal that the core is broken.
include mk/rust.mk
include $(filter-out mk/rust.mk,$(sort $(wildcard mk/*.mk)))

.PHONY: setup test demo fuzz bench clean help

## setup: install every tool and dependency the project needs (idempotent; skips what is present)
setup:
	@for t in $(SETUP_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## test: setup, then every test suite in order; stops at the first failure (CI runs this)
test: setup
	@for t in $(TEST_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## demo: run the demos
demo:
	@for t in $(DEMO_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## fuzz: run every fuzz target for a bounded time (FUZZ_SECONDS each, default 60)
fuzz:
	@for t in $(FUZZ_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## bench: run the side-by-side benchmark comparisons
bench:
	@for t in $(BENCH_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## clean: remove build outputs
clean:
	@for t in $(CLEAN_TARGETS); do echo "==> make $$t"; $(MAKE) --no-print-directory $$t; done

## help: list the targets
help:
	@echo "ssert make targets:"
	@grep -h -E '^## ' $(MAKEFILE_LIST) | sed -e 's/^## /  /'
	@echo
	@echo "  setup steps: $(SETUP_TARGETS)"
	@echo "  test steps:  $(TEST_TARGETS)"
