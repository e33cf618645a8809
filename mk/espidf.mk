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
ESPIDF_SERVER_NAMES := --san DNS:localhost --san IP:127.0.0.1 --san DNS:www.howsmyssl.com
$(ESPIDF_PKI)/done: $(TOOL)
	rm -rf $(ESPIDF_PKI) && mkdir -p $(ESPIDF_PKI)
	$(TOOL) cert ca --out $(ESPIDF_PKI) >/dev/null
	$(TOOL) cert server --ca $(ESPIDF_PKI) --cn localhost $(ESPIDF_SERVER_NAMES) --out $(ESPIDF_PKI) >/dev/null
	$(TOOL) cert client --ca $(ESPIDF_PKI) --cn esp32-client --out $(ESPIDF_PKI) >/dev/null
	touch $@

$(ESPIDF_EMBED): $(ESPIDF_PKI)/done scripts/embed-files.sh
	scripts/embed-files.sh $@ $(ESPIDF_PKI)/ca.pem:server_root_cert.pem \
	    $(ESPIDF_PKI)/client.pem:client_cert.pem $(ESPIDF_PKI)/client.key:client_key.pem

$(BUILD)/examples/esp-idf/%: $(BUILD)/obj/examples/esp-idf/%.o $(ESPIDF_EMBED) $(ESPIDF_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ESPIDF_EMBED) $(ESPIDF_LDLIBS)

# Tests of the layer link it too (their own main() keeps the runtime out).
$(BUILD)/tests/%/test_espidf: $(BUILD)/obj/tests/%/test_espidf.o $(TLIB_OBJ) $(ESPIDF_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TLIB_OBJ) $(ESPIDF_LDLIBS) $(TESTLIBS) $(TOOLLIBS)
