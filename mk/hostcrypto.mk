# Host crypto provider (issue 10, docs/crypto.md): libiotls-hostcrypto.a,
# OpenSSL's libcrypto doing the public-key work of sessions given
# cfg.crypto = iotls_hostcrypto_provider(). Never part of libiotls.a:
# libiotls and device builds do not see libcrypto. The iotls tool, the
# bench's iotls programs and the tests that compare providers link it.
HC_SRC := $(sort $(wildcard src/hostcrypto/*.c))
HC_OBJ := $(call obj,$(HC_SRC))
HC_LIB := $(BUILD)/libiotls-hostcrypto.a
HC_LIBS := $(HC_LIB) -lcrypto -lpthread

.PHONY: hostcrypto install-hostcrypto
hostcrypto: $(HC_LIB)
lib: $(HC_LIB)

$(HC_LIB): $(HC_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Target-specific: only these programs link the provider (the recipes of
# the top Makefile and bench/bench.mk name TOOLLIBS / BENCH_LIBS_iotls).
HC_USERS := $(TOOL) $(BUILD)/tests/unit/test_hostcrypto $(BUILD)/tests/interop/test_hostcrypto_interop
$(HC_USERS): $(HC_LIB)
$(HC_USERS): TOOLLIBS := $(HC_LIBS)
$(BENCH_DIR)/bench-iotls $(BENCH_DIR)/server-iotls: $(HC_LIB)
$(BENCH_DIR)/bench-iotls $(BENCH_DIR)/server-iotls: BENCH_LIBS_iotls := $(STATIC) $(LIBS) $(HC_LIBS)

install: install-hostcrypto
install-hostcrypto: $(HC_LIB)
	install -d $(DESTDIR)$(PREFIX)/include/iotls $(DESTDIR)$(PREFIX)/lib
	install -m 644 include/iotls/crypto.h include/iotls/hostcrypto.h $(DESTDIR)$(PREFIX)/include/iotls/
	install -m 644 $(HC_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' iotls-hostcrypto.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/iotls-hostcrypto.pc
