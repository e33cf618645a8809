# The Cortex-M build (run by `make mcu` from the repository root; see
# mk/mcu.mk and docs/porting.md). Inputs: BR_SRC (BearSSL 0.6 from its
# Debian source package), MCU_BUILD (output), TOOL (the host iotls tool, for
# `iotls cert header`), PKI_EXPORT (host helper writing the test PKI).
#
#   $(MCU_BUILD)/<cpu>/libbearssl.a                 BearSSL for that core
#   $(MCU_BUILD)/<cpu>/<profile>/libiotls.a         the core + Cortex-M port
#   $(MCU_BUILD)/<cpu>/<profile>/run.elf            qemu image (test/run_profile.c)
#   $(MCU_BUILD)/<cpu>/<profile>/probe.elf, .map    flash figure (test/probe.c)

CROSS    := arm-none-eabi-
XCC      := $(CROSS)gcc
XAR      := $(CROSS)ar
PORT     := ports/cortex-m

CPUS     := cortex-m4 cortex-m0plus
PROFILES := client-ec client-ec-terse client-ec-min client-full server-ec both-ec both-full

PFLAGS_client-ec       := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1
PFLAGS_client-ec-terse := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1 -DIOTLS_ERROR_TEXT=0
PFLAGS_client-ec-min   := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1 -DIOTLS_ERROR_TEXT=0 -DIOTLS_REPORT_NAMES=0 \
                          -DIOTLS_NO_CHAIN_MODES=0
PFLAGS_client-full     := -DIOTLS_SERVER=0
PFLAGS_server-ec       := -DIOTLS_CLIENT=0 -DIOTLS_EC_DEVICE=1
PFLAGS_both-ec         := -DIOTLS_EC_DEVICE=1
PFLAGS_both-full       :=

# BR_LOMUL: the M4 has a fast 32x32->64 multiply (BearSSL's m31 EC code);
# the M0+ has none (m15 code, and BearSSL's Cortex-M0 assembly helpers).
CPUFLAGS_cortex-m4     := -mcpu=cortex-m4 -mthumb -mfloat-abi=soft
CPUFLAGS_cortex-m0plus := -mcpu=cortex-m0plus -mthumb
BRCPU_cortex-m4        := -DBR_LOMUL=0
BRCPU_cortex-m0plus    := -DBR_LOMUL=1 -DBR_ARMEL_CORTEXM_GCC=1

OPT      := -Os -g -ffunction-sections -fdata-sections
# No OS: BearSSL gets no /dev/urandom and no time() (iotls gives both).
BRDEFS   := -DBR_USE_URANDOM=0 -DBR_USE_UNIX_TIME=0 -DBR_USE_WIN32_RAND=0 \
            -DBR_USE_WIN32_TIME=0 -DBR_RDRAND=0 -DBR_AES_X86NI=0 -DBR_SSE2=0 \
            -DBR_POWER8=0 -DBR_INT128=0 -DBR_UMUL128=0
# BearSSL's curve code, where a client's handshake instructions go
# (test/split.h: P-256 and X25519 are nearly all of it), is compiled for
# speed while the rest stays -Os: OPT_SPEED applies to the files of BR_SPEED
# (stems under src/). -O3 unrolls the field multiplications; without
# inlining it costs less flash for the same speed. `make mcu BR_SPEED=`
# builds everything -Os (docs/porting.md has both figures).
OPT_SPEED ?= -O3 -fno-inline-functions -fno-inline-small-functions
BR_SPEED  ?= ec/ec_p256_m31 ec/ec_c25519_m31
WARN     := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes

# The build time is the clockless port's lower bound of the real time;
# fixed once per build tree (SOURCE_DATE_EPOCH when set).
TIMEFILE := $(MCU_BUILD)/build-time
$(shell mkdir -p $(MCU_BUILD); [ -s $(TIMEFILE) ] || echo $${SOURCE_DATE_EPOCH:-$$(date +%s)} > $(TIMEFILE))
BUILD_TIME := $(shell cat $(TIMEFILE))

BR_SRCS  := $(sort $(wildcard $(BR_SRC)/src/*/*.c)) $(BR_SRC)/src/settings.c
CORE_SRCS := $(sort $(wildcard src/tls/*.c src/tls/bearssl/*.c))
PORT_SRCS := $(PORT)/entropy.c $(PORT)/clock.c $(PORT)/log.c
BOARD_SRCS := $(PORT)/mps2/startup.c $(PORT)/mps2/semihost.c $(PORT)/mps2/board_mps2.c
RUN_SRCS := $(PORT)/test/run_profile.c $(PORT)/test/measure.c $(PORT)/test/peer_bearssl.c \
            $(PORT)/test/split.c
PKI      := $(MCU_BUILD)/pki
HEADERS  := $(addprefix $(PKI)/,ca.h other_ca.h srv.h exp.h wrong.h direct.h)
LDFLAGS_X := -T $(PORT)/mps2/mps2-an386.ld -nostartfiles --specs=nano.specs -Wl,--gc-sections

all: $(foreach c,$(CPUS),$(foreach p,$(PROFILES),$(MCU_BUILD)/$(c)/$(p)/run.elf $(MCU_BUILD)/$(c)/$(p)/probe.elf))

# ---- test PKI as C arrays (iotls cert header) ------------------------------
$(PKI)/.made: $(PKI_EXPORT)
	rm -rf $(PKI) && mkdir -p $(PKI)
	$(PKI_EXPORT) $(PKI)
	touch $@
$(PKI)/ca.h: $(PKI)/.made
	$(TOOL) cert header $(PKI)/ca.pem --name ca -o $@
$(PKI)/other_ca.h: $(PKI)/.made
	$(TOOL) cert header $(PKI)/other-ca.pem --name other_ca -o $@
$(PKI)/%.h: $(PKI)/.made
	$(TOOL) cert header $(PKI)/$*.pem --key $(PKI)/$*.key --name $* -o $@

# ---- per CPU: BearSSL; per CPU and profile: iotls, images -----------------
define cpu_rules
$(MCU_BUILD)/$(1)/br/%.o: $(BR_SRC)/src/%.c
	@mkdir -p $$(dir $$@)
	$(XCC) $(CPUFLAGS_$(1)) $(OPT) $$(if $$(filter $$*,$(BR_SPEED)),$(OPT_SPEED)) $(BRDEFS) $(BRCPU_$(1)) -I$(BR_SRC)/inc -I$(BR_SRC)/src -c $$< -o $$@
$(MCU_BUILD)/$(1)/libbearssl.a: $(patsubst $(BR_SRC)/src/%.c,$(MCU_BUILD)/$(1)/br/%.o,$(BR_SRCS))
	rm -f $$@ && $(XAR) rcs $$@ $$^
$(MCU_BUILD)/$(1)/board/%.o: $(PORT)/%.c
	@mkdir -p $$(dir $$@)
	$(XCC) $(CPUFLAGS_$(1)) $(OPT) -std=c11 $(WARN) -Iinclude -Isrc -c $$< -o $$@
endef

define profile_rules
$(MCU_BUILD)/$(1)/$(2)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $$(dir $$@)
	$(XCC) $(CPUFLAGS_$(1)) $(OPT) -std=c11 $(WARN) $(PFLAGS_$(2)) -DIOTLS_BUILD_TIME=$(BUILD_TIME) \
	    -Iinclude -Isrc -I$(BR_SRC)/inc -I$(PKI) -I$(PORT) -MMD -MP -c $$< -o $$@
$(MCU_BUILD)/$(1)/$(2)/libiotls.a: $(patsubst %.c,$(MCU_BUILD)/$(1)/$(2)/obj/%.o,$(CORE_SRCS) $(PORT_SRCS))
	rm -f $$@ && $(XAR) rcs $$@ $$^
$(MCU_BUILD)/$(1)/$(2)/run.elf: $(patsubst %.c,$(MCU_BUILD)/$(1)/$(2)/obj/%.o,$(RUN_SRCS)) \
        $(patsubst $(PORT)/%.c,$(MCU_BUILD)/$(1)/board/%.o,$(BOARD_SRCS)) \
        $(MCU_BUILD)/$(1)/$(2)/libiotls.a $(MCU_BUILD)/$(1)/libbearssl.a
	$(XCC) $(CPUFLAGS_$(1)) $(LDFLAGS_X) -Wl,-Map=$$(@:.elf=.map) -o $$@ $$(filter %.o,$$^) \
	    $(MCU_BUILD)/$(1)/$(2)/libiotls.a $(MCU_BUILD)/$(1)/libbearssl.a
$(MCU_BUILD)/$(1)/$(2)/probe.elf: $(MCU_BUILD)/$(1)/$(2)/obj/$(PORT)/test/probe.o \
        $(patsubst $(PORT)/%.c,$(MCU_BUILD)/$(1)/board/%.o,$(BOARD_SRCS)) \
        $(MCU_BUILD)/$(1)/$(2)/libiotls.a $(MCU_BUILD)/$(1)/libbearssl.a
	$(XCC) $(CPUFLAGS_$(1)) $(LDFLAGS_X) -Wl,-Map=$$(@:.elf=.map) -o $$@ $$(filter %.o,$$^) \
	    $(MCU_BUILD)/$(1)/$(2)/libiotls.a $(MCU_BUILD)/$(1)/libbearssl.a
endef

$(foreach c,$(CPUS),$(eval $(call cpu_rules,$(c))))
$(foreach c,$(CPUS),$(foreach p,$(PROFILES),$(eval $(call profile_rules,$(c),$(p)))))

-include $(shell find $(MCU_BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
