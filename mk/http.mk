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
