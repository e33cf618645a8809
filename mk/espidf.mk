# ESP-IDF compatibility (docs/esp-idf.md): libiotls-espidf.a — esp-tls on
# iotls plus the host runtime ESP-IDF programs need (app_main, FreeRTOS on
# threads, ESP_LOGx, NVS on a file, the default event loop, esp_timer).
# Its runtime object defines main(), which calls the program's app_main().
ESPIDF_INC := include/iotls/compat/esp-idf
ESPIDF_SRC := $(sort $(wildcard src/compat/esp-idf/*.c))
ESPIDF_OBJ := $(call obj,$(ESPIDF_SRC))
ESPIDF_LIB := $(BUILD)/libiotls-espidf.a
ESPIDF_LDLIBS := $(ESPIDF_LIB) $(STATIC) $(LIBS) -lpthread

# Certificates the example programs embed (as IDF's EMBED_TXTFILES does:
# _binary_<file>_start/_end, NUL-terminated), made at build time.
ESPIDF_PKI := $(BUILD)/espidf-pki
ESPIDF_EMBED := $(ESPIDF_PKI)/embed.o
ESPIDF_EX := $(patsubst examples/esp-idf/%.c,$(BUILD)/examples/esp-idf/%,$(wildcard examples/esp-idf/*.c))

.PHONY: espidf install-espidf
espidf: $(ESPIDF_LIB) $(ESPIDF_EX)
lib: $(ESPIDF_LIB)
examples: $(ESPIDF_EX)

$(BUILD)/obj/src/compat/esp-idf/%.o: CFLAGS += -I$(ESPIDF_INC)
# ESP-IDF builds programs as GNU C (asm labels for embedded files) and
# declares app_main nowhere.
ESPIDF_APP_CFLAGS := -std=gnu17 -I$(ESPIDF_INC) -Wno-missing-prototypes
$(BUILD)/obj/examples/esp-idf/%.o: CFLAGS += $(ESPIDF_APP_CFLAGS)
$(BUILD)/obj/tests/unit/test_espidf.o: CFLAGS += -I$(ESPIDF_INC)
$(BUILD)/obj/tests/interop/test_espidf.o: CFLAGS += -I$(ESPIDF_INC)

$(ESPIDF_LIB): $(ESPIDF_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# A test PKI for the examples: a CA, a server certificate for localhost
# and for the names the real programs in tests/realapps/esp-idf/ use, and a
# client certificate. The servers in the tests use the same files.
ESPIDF_SERVER_NAMES := --san DNS:localhost --san IP:127.0.0.1 --san DNS:www.howsmyssl.com \
    --san DNS:letsencrypt.org --san DNS:espressif.com
$(ESPIDF_PKI)/done: $(TOOL) mk/espidf.mk
	rm -rf $(ESPIDF_PKI) && mkdir -p $(ESPIDF_PKI)
	$(TOOL) cert ca --out $(ESPIDF_PKI) >/dev/null
	$(TOOL) cert server --ca $(ESPIDF_PKI) --cn localhost $(ESPIDF_SERVER_NAMES) --out $(ESPIDF_PKI) >/dev/null
	$(TOOL) cert client --ca $(ESPIDF_PKI) --cn esp32-client --out $(ESPIDF_PKI) >/dev/null
	touch $@

$(ESPIDF_EMBED): $(ESPIDF_PKI)/done scripts/embed-files.sh
	scripts/embed-files.sh $@ $(ESPIDF_PKI)/ca.pem:server_root_cert.pem \
	    $(ESPIDF_PKI)/client.pem:client_cert.pem $(ESPIDF_PKI)/client.key:client_key.pem \
	    $(ESPIDF_PKI)/server.pem:servercert.pem $(ESPIDF_PKI)/server.key:prvtkey.pem

$(BUILD)/examples/esp-idf/%: $(BUILD)/obj/examples/esp-idf/%.o $(ESPIDF_EMBED) $(ESPIDF_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ESPIDF_EMBED) $(ESPIDF_LDLIBS)

# Tests of the layer link it too (their own main() keeps the runtime out).
$(BUILD)/tests/%/test_espidf: $(BUILD)/obj/tests/%/test_espidf.o $(TLIB_OBJ) $(ESPIDF_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TLIB_OBJ) $(ESPIDF_LDLIBS) $(TESTLIBS) $(TOOLLIBS)

# Real ESP-IDF programs (tests/realapps/esp-idf/<app>/, see each SOURCE),
# built unchanged as IDF builds them: GNU C, warnings on but not errors
# (it is not our code), the Kconfig values of the app's own CI config.
REALAPP_IDF := $(BUILD)/realapps/esp-idf
REALAPP_IDF_CFLAGS := -std=gnu17 -O2 -g -D_GNU_SOURCE -Wall -I$(ESPIDF_INC) $(SANFLAGS)
HTTPS_REQUEST_DIR := tests/realapps/esp-idf/https_request
HTTPS_REQUEST_CFG := -DCONFIG_EXAMPLE_CLIENT_SESSION_TICKETS=1 \
    -DCONFIG_EXAMPLE_LOCAL_SERVER_URL='"FROM_STDIN"' -DCONFIG_EXAMPLE_LOCAL_SERVER_URL_FROM_STDIN=1
HTTPS_REQUEST_SRC := $(HTTPS_REQUEST_DIR)/main/https_request_example_main.c $(HTTPS_REQUEST_DIR)/main/time_sync.c

$(REALAPP_IDF)/https_request/embed.o: $(ESPIDF_PKI)/done scripts/embed-files.sh
	@mkdir -p $(dir $@)
	scripts/embed-files.sh $@ $(ESPIDF_PKI)/ca.pem:server_root_cert.pem \
	    $(HTTPS_REQUEST_DIR)/main/local_server_cert.pem:local_server_cert.pem

$(REALAPP_IDF)/https_request/https_request: $(HTTPS_REQUEST_SRC) $(REALAPP_IDF)/https_request/embed.o $(ESPIDF_LIB) $(STATIC)
	$(CC) $(REALAPP_IDF_CFLAGS) $(HTTPS_REQUEST_CFG) -I$(HTTPS_REQUEST_DIR)/main/include \
	    -o $@ $(HTTPS_REQUEST_SRC) $(REALAPP_IDF)/https_request/embed.o $(LDFLAGS) $(ESPIDF_LDLIBS)

X509_BUNDLE_SRC := tests/realapps/esp-idf/https_x509_bundle/main/https_x509_bundle_example_main.c
$(REALAPP_IDF)/https_x509_bundle/https_x509_bundle: $(X509_BUNDLE_SRC) $(ESPIDF_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(REALAPP_IDF_CFLAGS) -o $@ $(X509_BUNDLE_SRC) $(LDFLAGS) $(ESPIDF_LDLIBS)

HTTPS_SERVER_DIR := tests/realapps/esp-idf/https_server_simple/main
$(REALAPP_IDF)/https_server_simple/embed.o: scripts/embed-files.sh
	@mkdir -p $(dir $@)
	scripts/embed-files.sh $@ $(HTTPS_SERVER_DIR)/certs/servercert.pem:servercert.pem \
	    $(HTTPS_SERVER_DIR)/certs/prvtkey.pem:prvtkey.pem $(HTTPS_SERVER_DIR)/certs/cacert.pem:cacert.pem

$(REALAPP_IDF)/https_server_simple/https_server_simple: $(HTTPS_SERVER_DIR)/main.c $(REALAPP_IDF)/https_server_simple/embed.o $(ESPIDF_LIB) $(STATIC)
	$(CC) $(REALAPP_IDF_CFLAGS) -o $@ $(HTTPS_SERVER_DIR)/main.c $(REALAPP_IDF)/https_server_simple/embed.o \
	    $(LDFLAGS) $(ESPIDF_LDLIBS)

ESPIDF_REALAPPS := $(REALAPP_IDF)/https_request/https_request \
    $(REALAPP_IDF)/https_server_simple/https_server_simple \
    $(REALAPP_IDF)/https_x509_bundle/https_x509_bundle
tests: $(ESPIDF_REALAPPS)

install: install-espidf
install-espidf: $(ESPIDF_LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/iotls/compat/esp-idf/freertos \
	    $(DESTDIR)$(PREFIX)/include/iotls/compat/esp-idf/lwip $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 $(ESPIDF_INC)/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/esp-idf/
	install -m 644 $(ESPIDF_INC)/freertos/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/esp-idf/freertos/
	install -m 644 $(ESPIDF_INC)/lwip/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/esp-idf/lwip/
	install -m 644 $(ESPIDF_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 scripts/embed-files.sh $(DESTDIR)$(PREFIX)/bin/iotls-embed-files
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' iotls-espidf.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/iotls-espidf.pc
