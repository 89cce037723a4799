# The session validator (ssert_core::validate): its suites need the `json` feature, which the
# plain `cargo test --workspace` of mk/rust.mk does not enable. Owned by the validator part.

TEST_TARGETS += test-validate
BENCH_TARGETS += bench-validate

.PHONY: test-validate bench-validate check-recordings

## test-validate: validator unit, recording-manifest and property tests (feature json), clippy on them
test-validate: check-recordings
	$(CARGO) clippy -p ssert-core --features json --lib --test 'validate_*' -- -D warnings
	$(CARGO) test -p ssert-core --features json --lib validate
	$(CARGO) test -p ssert-core --features json --doc validate
	$(CARGO) test -p ssert-core --features json --test 'validate_*'

## check-recordings: the recordings are what generate.py writes, and valid against testdata/recording.schema.json
check-recordings:
	@tmp=$$(mktemp -d); cp -r testdata/recordings/. "$$tmp"; \
	python3 "$$tmp/generate.py" >/dev/null; \
	diff -r testdata/recordings "$$tmp" >/dev/null || { echo "testdata/recordings differs from generate.py output; run: python3 testdata/recordings/generate.py"; rm -rf "$$tmp"; exit 1; }; \
	rm -rf "$$tmp"; echo "check-recordings: ok"
	@# The project venv (make setup) has jsonschema, so the schema check never skips silently.
	$(PY) testdata/recordings/check_schema.py .

## bench-validate: criterion throughput of validation vs parse-only (benches/benches/validate.rs)
bench-validate:
	$(CARGO) bench -p ssert-benches --bench validate
