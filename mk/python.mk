# Python: the pip package `ssert` (bindings-python/: PyO3 crate ssert-py + the typed facade),
# its tests, the FastAPI example server (pytest-example/) and the Python benchmark.
# Owned by the Python part; see the root Makefile for how fragments compose.

SETUP_TARGETS += setup-python
TEST_TARGETS += test-python
# `make demo` is the main job: the example server checked by the CLI.
DEMO_TARGETS += demo-python
BENCH_TARGETS += bench-python
CLEAN_TARGETS += clean-python

PY_DIR := bindings-python
PY_VENV := .venv
PY := $(PY_VENV)/bin/python
# The interpreter that creates the virtualenv (>= 3.9).
PYTHON ?= python3
PY_CARGO_TARGET := $(abspath $(or $(CARGO_TARGET_DIR),target))
PY_WHEELS := $(PY_CARGO_TARGET)/wheels
PY_REQUIREMENTS := $(PY_DIR)/requirements-dev.txt
# Seconds each parser gets per corpus x chunking in `make bench-python`.
PY_BENCH_SECONDS ?= 1

.PHONY: setup-python build-python lint-python test-python demo-python bench-python clean-python

## setup-python: the repo virtualenv .venv with the pinned tools of bindings-python/requirements-dev.txt (idempotent)
setup-python:
	@[ -x $(PY) ] || { $(PYTHON) -m venv $(PY_VENV) && echo '*' > $(PY_VENV)/.gitignore; }
	@want=$$(sha256sum $(PY_REQUIREMENTS) | cut -d' ' -f1); \
	if [ "$$(cat $(PY_VENV)/.requirements.sha256 2>/dev/null)" != "$$want" ]; then \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r $(PY_REQUIREMENTS) && \
	  echo "$$want" > $(PY_VENV)/.requirements.sha256; \
	fi
	@echo "setup-python: ok ($$($(PY) --version), maturin $$($(PY_VENV)/bin/maturin --version | cut -d' ' -f2))"

## build-python: build the abi3 wheel with maturin and (re)install it into .venv when it changed
build-python: setup-python
	$(PY_VENV)/bin/maturin build --release --quiet -m $(PY_DIR)/Cargo.toml -o $(PY_WHEELS)
	$(PY) $(PY_DIR)/scripts/install_wheel.py $(PY_WHEELS)

## lint-python: ruff check + ruff format --check (ruff.toml), vermin (runs on Python 3.9), the .pyi stubs against the native module (stubtest), mypy --strict
lint-python: build-python
	$(PY_VENV)/bin/ruff check .
	$(PY_VENV)/bin/ruff format --check .
	@# The package supports Python >= 3.9, which no longer exists here and which mypy can no longer
	@# target: vermin checks the syntax and the standard-library names (functions, parameters,
	@# modules) that the package, its tests, the example and the benchmark use, annotations included.
	$(PY_VENV)/bin/vermin --no-tips --quiet --violations --eval-annotations -t=3.9- \
	  $(PY_DIR)/python $(PY_DIR)/tests $(PY_DIR)/scripts pytest-example benches/python testdata
	cd $(PY_DIR) && ../$(PY) -m mypy.stubtest ssert
	cd $(PY_DIR) && ../$(PY) -m mypy --strict python/ssert tests
	$(PY) -m mypy --strict pytest-example benches/python

## test-python: build + install the wheel, lint it, run the pytest suites against the installed package
test-python: lint-python
	cd $(PY_DIR) && ../$(PY) -m pytest -q -p no:cacheprovider tests
	cd pytest-example && ../$(PY) -m pytest -q -p no:cacheprovider tests

## demo-python: start the example FastAPI server and run `ssert check` on a correct and a buggy endpoint
demo-python: build-python
	$(PY) pytest-example/demo.py

## bench-python: ssert vs httpx-sse vs the naive startswith("data:") loop, side by side
bench-python: build-python
	$(PY) benches/python/bench.py --seconds $(PY_BENCH_SECONDS)

clean-python:
	rm -rf $(PY_WHEELS) $(PY_DIR)/python/ssert/*.so
