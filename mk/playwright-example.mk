# playwright-example/: the orders dashboard (a node:http server and a page with one EventSource)
# and its Playwright specs in Debian's Chromium, checked with `ssert/playwright`. The example
# depends on the npm package as users of a local build do: `"ssert": "file:../bindings-js"`, the
# built package (bindings-js/dist, made by build-js-wasm). See the root Makefile.

SETUP_TARGETS += setup-playwright-example
TEST_TARGETS += test-playwright-example

PW_EXAMPLE := playwright-example

.PHONY: setup-playwright-example test-playwright-example

## setup-playwright-example: @playwright/test and TypeScript for the example (npm ci; Chromium comes from setup-js)
setup-playwright-example:
	@# npm ci wipes node_modules; only run it when the lockfile changed since the last install.
	@if [ ! -f $(PW_EXAMPLE)/node_modules/.package-lock.json ] || \
	    [ $(PW_EXAMPLE)/package-lock.json -nt $(PW_EXAMPLE)/node_modules/.package-lock.json ]; then \
	  cd $(PW_EXAMPLE) && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund; \
	fi

## test-playwright-example: lint and type-check the example, then run its specs in Chromium
test-playwright-example: setup-playwright-example build-js-wasm
	$(JS_BIN)/eslint --config $(JS_DIR)/eslint.config.js --max-warnings 0 $(PW_EXAMPLE)
	cd $(PW_EXAMPLE) && node_modules/.bin/tsc --noEmit -p .
	cd $(PW_EXAMPLE) && CI=1 node_modules/.bin/playwright test
