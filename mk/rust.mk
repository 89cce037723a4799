# Rust: the core crate, the benches, the fuzz crate and the Rust demo.
# Owned by the infra part; see the root Makefile for how fragments compose.

SETUP_TARGETS += setup-rust
TEST_TARGETS += test-rust
# demo-rust is not in `make demo`, which runs the main job (mk/python.mk).
FUZZ_TARGETS += fuzz-rust
BENCH_TARGETS += bench-rust
CLEAN_TARGETS += clean-rust

WASM_TARGET := wasm32-unknown-unknown
FUZZ_DIR := core/fuzz
FUZZ_MANIFEST := $(FUZZ_DIR)/Cargo.toml
# Seconds each fuzz target runs under `make fuzz` (libFuzzer -max_total_time).
FUZZ_SECONDS ?= 60
# Seconds each fuzz target runs in `make test`: a smoke run on every CI run, not a campaign.
FUZZ_SMOKE_SECONDS ?= 15
# Every fuzz target of core/fuzz, in the order `make fuzz` runs them.
FUZZ_TARGET_NAMES := chunked_vs_whole fast_vs_reference encode_roundtrip validate_session recording_input
# Seconds each parser gets per corpus x chunking in `make bench`.
BENCH_SECONDS ?= 2

.PHONY: setup-rust test-rust demo-rust fuzz-rust bench-rust bench-criterion clean-rust

## setup-rust: rustup components, the wasm32 target, a minimal nightly (fuzzing) and cargo-fuzz
setup-rust:
	@installed=$$(rustup component list --installed); \
	for c in rustfmt clippy; do \
	  grep -q "^$$c" <<<"$$installed" || rustup component add $$c; \
	done
	@rustup target list --installed | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)
	@rustup toolchain list | grep -q '^nightly' || \
	  rustup toolchain install nightly --profile minimal --no-self-update
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	@echo "setup-rust: ok ($$(rustc --version); $$(rustc +nightly --version); $$(cargo fuzz --version 2>/dev/null || echo cargo-fuzz))"

## test-rust: fmt, clippy, tests, docs, the ssert-core feature/no_std build matrix, a short fuzz run, demo runs
test-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) fmt --manifest-path $(FUZZ_MANIFEST) -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	@# Again with every feature: the trace/event JSON forms (serde) and the validator's JSON entry points.
	$(CARGO) test -p ssert-core --all-features
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc -p ssert-core --no-deps --all-features
	$(CARGO) build -p ssert-core
	$(CARGO) build -p ssert-core --no-default-features
	$(CARGO) build -p ssert-core --no-default-features --features alloc
	$(CARGO) build -p ssert-core --all-features
	$(CARGO) build -p ssert-core --target $(WASM_TARGET) --no-default-features
	$(CARGO) build -p ssert-core --target $(WASM_TARGET) --no-default-features --features alloc
	@# Every fuzz target, warnings denied, then each one fuzzed briefly (sanitizer build included).
	RUSTFLAGS=-Dwarnings $(CARGO) +nightly check --manifest-path $(FUZZ_MANIFEST) --bins
	$(MAKE) --no-print-directory fuzz-rust FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS)
	@# The demo exits non-zero unless its chunked run gives the same sink calls as the whole file.
	$(CARGO) run -q -p ssert-core --example demo > /dev/null

## demo-rust: parse testdata/demo/sample.sse in awkward chunks and print events, errors and the trace
demo-rust:
	$(CARGO) run -q -p ssert-core --example demo

## fuzz-rust: seed the corpora from testdata/, then run every fuzz target for FUZZ_SECONDS (default 60) each
fuzz-rust:
	@python3 $(FUZZ_DIR)/seed_corpus.py testdata/parser $(FUZZ_DIR)/corpus
	@# The recording readers start from the shared recordings (the corpus the fuzzer grew is kept).
	@mkdir -p $(FUZZ_DIR)/corpus/recording_input && \
	  for f in testdata/recordings/*.json testdata/recordings/*.jsonl testdata/recordings/*.har; do \
	    [ -e $(FUZZ_DIR)/corpus/recording_input/$$(basename $$f) ] || cp $$f $(FUZZ_DIR)/corpus/recording_input/; \
	  done
	@cd core && for t in $(FUZZ_TARGET_NAMES); do \
	  echo "==> fuzz $$t for $(FUZZ_SECONDS)s (full log: $${TMPDIR:-/tmp}/ssert-fuzz-$$t.log)"; \
	  mkdir -p fuzz/corpus/$$t; \
	  $(CARGO) +nightly fuzz run $$t fuzz/corpus/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 > $${TMPDIR:-/tmp}/ssert-fuzz-$$t.log 2>&1 \
	    || { tail -n 60 $${TMPDIR:-/tmp}/ssert-fuzz-$$t.log; exit 1; }; \
	  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' $${TMPDIR:-/tmp}/ssert-fuzz-$$t.log; \
	done

## bench-rust: ssert vs sse-stream vs eventsource-stream vs a floor loop, side by side (BENCH_SECONDS each)
bench-rust:
	$(CARGO) run --release -q -p ssert-benches --bin compare -- --seconds $(BENCH_SECONDS)

## bench-criterion: the criterion benchmark (benches/benches/parse.rs) with its HTML-free report
bench-criterion:
	$(CARGO) bench -p ssert-benches --bench parse

## clean-rust: cargo clean for the workspace and the fuzz crate, and generated bench corpora
clean-rust:
	$(CARGO) clean
	$(CARGO) clean --manifest-path $(FUZZ_MANIFEST)
	rm -rf benches/corpus
