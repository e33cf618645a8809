# Real ESP8266 non-OS SDK applications from public repositories, kept whole
# and unchanged under tests/realapps/esp8266/<app>/ (licence and SOURCE note
# beside them), built against libiotls-espconn (issue 14, docs/espconn.md).
# Each app's flags stand in for its own SDK Makefile's (the defines it sets,
# its include directories before the SDK's); its warnings stay its own (-w).
# Files under tests/realapps/esp8266/config/ are what an SDK user writes for
# an app that asks for it (user_config.local.h), not app code.
# Objects are built without sanitizers (third-party code), linked with them.
RA_DIR    := tests/realapps/esp8266
RA_OUT    := $(BUILD)/realapps/esp8266
RA_CFLAGS := -std=gnu99 -O1 -g -w
RA_APPS   :=
RA_COMPILE_ONLY :=

# tuanpmt/esp_mqtt: MQTT over TLS client (user/user_main.c subscribes and
# publishes); its own driver/uart.c is replaced by the host's UART calls.
RA_APPS += esp_mqtt
RA_esp_mqtt_SRC := $(sort $(wildcard $(RA_DIR)/esp_mqtt/mqtt/*.c)) $(RA_DIR)/esp_mqtt/modules/wifi.c \
                   $(RA_DIR)/esp_mqtt/user/user_main.c $(RA_DIR)/esp_mqtt/user/rfinit.c
RA_esp_mqtt_FLAGS := -I$(RA_DIR)/esp_mqtt/include -I$(RA_DIR)/esp_mqtt/mqtt/include \
                     -I$(RA_DIR)/esp_mqtt/modules/include -I$(RA_DIR)/config/esp_mqtt \
                     -DICACHE_FLASH -DLOCAL_CONFIG_AVAILABLE -DMQTT_DEBUG_ON -DDEBUG_ON \
                     -DBUID_TIME=\"iotls-realapps\"

# FlorianBrett/ESP8266-MQTT-Device: MQTT (plain TCP) and GPIO, on its own
# copy of tuanpmt's MQTT library; its driver/uart.c is replaced by the host's.
RA_APPS += mqtt_device
RA_mqtt_device_SRC := $(sort $(wildcard $(RA_DIR)/mqtt_device/mqtt/*.c $(RA_DIR)/mqtt_device/modules/*.c)) \
                      $(RA_DIR)/mqtt_device/user/user_main.c
RA_mqtt_device_FLAGS := -I$(RA_DIR)/mqtt_device/include -I$(RA_DIR)/mqtt_device/mqtt/include \
                        -I$(RA_DIR)/mqtt_device/modules/include -DICACHE_FLASH

# jkent/espbot: IRC bot over TLS (USE_SECURE=1 in its Makefile).
RA_APPS += espbot
RA_espbot_SRC := $(sort $(wildcard $(RA_DIR)/espbot/src/*.c $(RA_DIR)/espbot/etslib/*.c))
RA_espbot_FLAGS := -I$(RA_DIR)/espbot/etslib -I$(RA_DIR)/espbot/src -DICACHE_FLASH \
                   -DUSE_OPENSDK -DUSE_SECURE

# jkent/espircd: IRC server on plain TCP.
RA_APPS += espircd
RA_espircd_SRC := $(sort $(wildcard $(RA_DIR)/espircd/src/*.c $(RA_DIR)/espircd/etslib/*.c))
RA_espircd_FLAGS := -I$(RA_DIR)/espircd/etslib -I$(RA_DIR)/espircd/src -DICACHE_FLASH -DUSE_OPENSDK

# Spritetm/esphttpd with its libesphttpd submodule: HTTP server (plain
# TCP), captive-portal DNS (UDP), Wi-Fi setup pages, websockets, pages from
# an espfs image. Built as its Makefile's "separate" layout (USE_OPENSDK,
# no heatshrink/gzip, ESPFS_POS): the image made by its own host tool
# (mkespfsimage) from its html/ is read with spi_flash_read from the flash
# image, where the test writes it at ESPFS_POS.
RA_APPS += esphttpd
RA_HTTPD := $(RA_DIR)/esphttpd
RA_esphttpd_SRC := $(sort $(wildcard $(RA_HTTPD)/user/*.c $(RA_HTTPD)/libesphttpd/core/*.c \
                     $(RA_HTTPD)/libesphttpd/util/*.c)) $(RA_HTTPD)/libesphttpd/espfs/espfs.c
RA_esphttpd_FLAGS := -I$(RA_HTTPD)/include -I$(RA_HTTPD)/user -I$(RA_HTTPD)/libesphttpd/include \
                     -I$(RA_HTTPD)/libesphttpd -I$(RA_HTTPD)/libesphttpd/espfs -I$(RA_HTTPD)/libesphttpd/core \
                     -I$(RA_HTTPD)/libesphttpd/util -D__ets__ -DICACHE_FLASH \
                     -DUSE_OPENSDK -DHTTPD_MAX_CONNECTIONS=4 -DHTTPD_STACKSIZE=2048 -DHTTPD_WEBSOCKETS \
                     -DESPFS_POS=0x300000 -DESPFS_SIZE=0x80000
RA_ESPFS_TOOL := $(RA_OUT)/mkespfsimage
RA_ESPFS_IMAGE := $(RA_OUT)/esphttpd.espfs
$(RA_ESPFS_TOOL): $(RA_HTTPD)/libesphttpd/espfs/mkespfsimage/main.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu99 -O1 -w -I$(RA_HTTPD)/libesphttpd/include -I$(RA_HTTPD)/libesphttpd/espfs $< -o $@
$(RA_ESPFS_IMAGE): $(RA_ESPFS_TOOL) $(sort $(shell find $(RA_HTTPD)/html -type f))
	cd $(RA_HTTPD)/html && find . | $(abspath $(RA_ESPFS_TOOL)) > $(abspath $@)
realapps tests: $(RA_ESPFS_IMAGE)

# Caerbannog/esphttpclient: HTTP(S) client library and its test program
# (espmissingincludes.h declares ets_* with the SDK 1.x signatures). It has
# no user_init (a host project calls http_test()): compiled, not linked.
RA_COMPILE_ONLY += esphttpclient
RA_esphttpclient_SRC := $(RA_DIR)/esphttpclient/httpclient.c $(RA_DIR)/esphttpclient/test/httpclient_test.c
RA_esphttpclient_FLAGS := -I$(RA_DIR)/esphttpclient -I$(RA_DIR)/config/esphttpclient -DICACHE_FLASH

define RA_OBJ_RULES
RA_$(1)_OBJ := $$(patsubst %.c,$$(BUILD)/obj/%.o,$$(RA_$(1)_SRC))
$$(RA_$(1)_OBJ): $$(BUILD)/obj/$$(RA_DIR)/$(1)/%.o: $$(RA_DIR)/$(1)/%.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(RA_CFLAGS) $$(RA_$(1)_FLAGS) -I$$(ESP_INC) -MMD -MP -c $$< -o $$@
endef
define RA_APP_RULES
$$(RA_OUT)/$(1): $$(RA_$(1)_OBJ) $$(ESP_LIB) $$(STATIC)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$(RA_$(1)_OBJ) $$(ESP_LIB) $$(STATIC) $$(LIBS)
endef
$(foreach a,$(RA_APPS) $(RA_COMPILE_ONLY),$(eval $(call RA_OBJ_RULES,$(a))))
$(foreach a,$(RA_APPS),$(eval $(call RA_APP_RULES,$(a))))

RA_BINS := $(addprefix $(RA_OUT)/,$(RA_APPS)) \
           $(foreach a,$(RA_COMPILE_ONLY),$(RA_$(a)_OBJ))
.PHONY: realapps
realapps: $(RA_BINS)
tests: $(RA_BINS)
