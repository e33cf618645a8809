# bench/bench.mk — included by the top Makefile. Benchmarks (issue 6):
#   make bench-build   build every bench program (CI does, so they cannot rot)
#   make bench         full run (< 10 min on 2 cores), tables + docs/benchmarks.md
#   make bench-smoke   seconds: tiny counts, prints the tables, asserts no timing

BENCH_DIR   := $(BUILD)/bench
BENCH_PROBES := $(call obj,bench/stack_paint.c bench/heap_probe.c)
BENCH_COMMON := $(call obj,bench/driver.c bench/tcp.c) $(BENCH_PROBES)
# The servers measure themselves the same way (bench/server.h).
BENCH_SERVER := $(call obj,bench/server_probe.c) $(BENCH_PROBES)
# -z now: resolve every symbol at start so lazy PLT binding does not show up
# in a stack or instruction measurement.
BENCH_LD    := $(LDFLAGS) -Wl,-z,now
BENCH_STACKS := iotls openssl mbedtls wolfssl
BENCH_LIBS_iotls   := $(STATIC) $(LIBS)
BENCH_LIBS_openssl := -lssl -lcrypto
BENCH_LIBS_mbedtls := -lmbedtls -lmbedx509 -lmbedcrypto
BENCH_LIBS_wolfssl := -lwolfssl

# Code size: the library compiled again the way firmware is (-Os, one
# section per function) into its own archive, and minimal programs linked
# statically against it and BearSSL with --gc-sections.
SIZE_DIR    := $(BENCH_DIR)/size
SIZE_OBJ    := $(patsubst %.c,$(SIZE_DIR)/%.o,$(LIB_SRC))
SIZE_LIB    := $(SIZE_DIR)/libiotls-size.a
SIZE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Os -ffunction-sections -fdata-sections -Iinclude -Isrc

# The client's session block per build profile (bench/session_block.c):
# the TLS core compiled again with each profile's flags (the Cortex-M
# build's, ports/cortex-m/build.mk), for this host.
SBLOCK_DIR      := $(BENCH_DIR)/session-block
SBLOCK_PROFILES := full client-ec client-ec-terse client-ec-min
SBLOCK_FLAGS_full            :=
SBLOCK_FLAGS_client-ec       := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1
SBLOCK_FLAGS_client-ec-terse := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1 -DIOTLS_ERROR_TEXT=0
SBLOCK_FLAGS_client-ec-min   := -DIOTLS_SERVER=0 -DIOTLS_EC_DEVICE=1 -DIOTLS_ERROR_TEXT=0 \
                                -DIOTLS_REPORT_NAMES=0 -DIOTLS_NO_CHAIN_MODES=0
SBLOCK_SRC := bench/session_block.c $(sort $(wildcard src/tls/*.c src/tls/bearssl/*.c)) \
              $(wildcard src/port/posix/*.c)
SBLOCK_DEPS := $(SBLOCK_SRC) $(wildcard include/iotls/*.h src/tls/*.h src/tls/bearssl/*.h)
define sblock_rule
$(SBLOCK_DIR)/session-block-$(1): $(SBLOCK_DEPS)
	@mkdir -p $$(dir $$@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O0 $(SBLOCK_FLAGS_$(1)) -DPROFILE='"$(1)"' \
	    -Iinclude -Isrc $(SBLOCK_SRC) -o $$@ $(LIBS)
endef
$(foreach p,$(SBLOCK_PROFILES),$(eval $(call sblock_rule,$(p))))

BENCH_BINS := $(SHARED) $(addprefix $(BENCH_DIR)/bench-,$(BENCH_STACKS)) \
              $(BENCH_DIR)/malloc_count.so $(BENCH_DIR)/server-iotls $(BENCH_DIR)/server-openssl \
              $(SIZE_DIR)/min-client $(SIZE_DIR)/min-server $(BENCH_DIR)/net-throughput \
              $(addprefix $(SBLOCK_DIR)/session-block-,$(SBLOCK_PROFILES))

.PHONY: bench bench-build bench-smoke
bench-build: $(BENCH_BINS)

$(BENCH_DIR)/bench-%: $(BENCH_COMMON) $(BUILD)/obj/bench/stack_%.o $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_LD) -o $@ $(BENCH_COMMON) $(BUILD)/obj/bench/stack_$*.o $(BENCH_LIBS_$*) -lpthread -ldl

$(BENCH_DIR)/malloc_count.so: bench/malloc_count.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -shared -o $@ $< -ldl

$(BENCH_DIR)/server-%: $(BUILD)/obj/bench/server_%.o $(BENCH_SERVER) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_LD) -o $@ $< $(BENCH_SERVER) $(BENCH_LIBS_$*) -lpthread -ldl

# The net layer's throughput at a record size; recv/send counted by wrapping
# them at link time (the static library's calls resolve to the wrappers).
$(BENCH_DIR)/net-throughput: $(BUILD)/obj/bench/net_throughput.o $(call obj,bench/tcp.c) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_LD) -Wl,--wrap=recv,--wrap=send -o $@ $(BUILD)/obj/bench/net_throughput.o \
	    $(call obj,bench/tcp.c) $(STATIC) $(LIBS)

$(SIZE_DIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SIZE_CFLAGS) -c $< -o $@

$(SIZE_LIB): $(SIZE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(SIZE_DIR)/min-%: $(SIZE_DIR)/bench/min_%.o $(SIZE_DIR)/bench/min_handshake.o $(SIZE_LIB)
	$(CC) -Wl,--gc-sections -Wl,-Map,$@.map -o $@ $< $(SIZE_DIR)/bench/min_handshake.o $(SIZE_LIB) \
	    -Wl,-Bstatic -lbearssl -Wl,-Bdynamic

bench: bench-build
	scripts/bench-run.sh $(BUILD) full

bench-smoke: bench-build
	scripts/bench-run.sh $(BUILD) smoke
