# Cortex-M port (issue 15, docs/porting.md): `make mcu` builds BearSSL 0.6
# (Debian source package) and iotls per CPU and profile with
# arm-none-eabi-gcc + newlib; `make mcu-check` runs the images in
# qemu-system-arm -M mps2-an386 and prints one "mcu:" line per profile.
MCU_BUILD  ?= build-mcu
MCU_BR_SRC := $(MCU_BUILD)/bearssl-src
MCU_PKI_EXPORT := $(BUILD)/ports/pki_export

.PHONY: mcu mcu-check
$(MCU_BR_SRC)/inc/bearssl.h:
	scripts/bearssl-source.sh $(MCU_BR_SRC)

$(MCU_PKI_EXPORT): $(BUILD)/obj/ports/cortex-m/test/pki_export.o $(TLIB_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TLIB_OBJ) $(STATIC) $(LIBS) $(TESTLIBS) $(TOOLLIBS)
$(BUILD)/obj/ports/cortex-m/test/pki_export.o: CFLAGS += -Itests/lib

mcu: $(MCU_BR_SRC)/inc/bearssl.h $(TOOL) $(MCU_PKI_EXPORT)
	$(MAKE) -f ports/cortex-m/build.mk MCU_BUILD=$(MCU_BUILD) BR_SRC=$(MCU_BR_SRC) \
	    TOOL=$(TOOL) PKI_EXPORT=$(MCU_PKI_EXPORT)

mcu-check: mcu
	ports/cortex-m/check.sh $(MCU_BUILD)
