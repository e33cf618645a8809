# mk/http.mk — the HTTP layer (issue 11, docs/http.md). Its sources in
# src/http/ go into libiotls.a like every layer; here only what is extra:
# its in-process tests also run under valgrind in `make memcheck`.
HTTP_MEMCHECK := $(BUILD)/tests/unit/test_http_parse $(BUILD)/tests/unit/test_http_server
MEMCHECK += $(HTTP_MEMCHECK)
memcheck: $(HTTP_MEMCHECK)

# The HTTPS demo (README): iotls serve + iotls get on loopback.
.PHONY: demo-https
demo-https: $(TOOL)
	scripts/demo-https.sh $(BUILD)

# A real browser loads the status page (tests/browser/, CI step
# .ci/steps/40-browser.sh). Not part of `make test`: Chromium is slow to
# start. A missing or broken browser is reported as SKIPPED, loudly.
BROWSER_TESTS := $(BUILD)/tests/browser/test_browser_status
.PHONY: test-browser
test-browser: $(BROWSER_TESTS) $(TOOL)
	IOTLS_BUILD=$(BUILD) tests/run.sh $(BROWSER_TESTS)
tests: $(BROWSER_TESTS)

# HTTPS server benchmark beside nginx (scripts/bench.d/http.sh, run by
# `make bench` / `make bench-smoke` through scripts/bench-run.sh).
HTTP_LOAD := $(BENCH_DIR)/http-load
bench-build: $(HTTP_LOAD) $(TOOL)
$(HTTP_LOAD): bench/http_load.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lssl -lcrypto
