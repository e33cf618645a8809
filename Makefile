# iotls — one Makefile for the library, the tool, tests, examples and benchmarks.
#   make            library (static + shared), the iotls tool, examples
#   make test       build and run every test (ends with "N passed, N failed")
#   make test SAN=1 the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo       client and server on loopback, verified handshake, report
#   make install    PREFIX=/usr/local (DESTDIR honoured)

CC       ?= cc
PREFIX   ?= /usr/local
VERSION  := 0.1.0
SAN      ?= 0

ifeq ($(SAN),1)
BUILD    ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    ?= build
SANFLAGS :=
endif

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE $(WARN) $(SANFLAGS) -fPIC -Iinclude -Isrc
LDFLAGS  += $(SANFLAGS)
LIBS     := -lbearssl
TOOLLIBS := -lcrypto
TESTLIBS := -lcmocka -lpthread

# src/compat/ builds its own library (it carries the SDK runtime main());
# src/hostcrypto/ too (it links libcrypto, which libiotls must not).
LIB_SRC  := $(sort $(filter-out src/compat/% src/hostcrypto/%,$(wildcard src/*/*.c src/*/*/*.c)))
TOOL_SRC := $(sort $(wildcard tools/iotls/*.c))
TLIB_SRC := $(sort $(wildcard tests/lib/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c tests/interop/test_*.c))
EX_SRC   := $(sort $(wildcard examples/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIB_OBJ  := $(call obj,$(LIB_SRC))
TOOL_OBJ := $(call obj,$(TOOL_SRC))
TLIB_OBJ := $(call obj,$(TLIB_SRC))
TESTS    := $(patsubst %.c,$(BUILD)/%,$(TEST_SRC))
EXAMPLES := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EX_SRC))

STATIC   := $(BUILD)/libiotls.a
SHARED   := $(BUILD)/libiotls.so.$(VERSION)
TOOL     := $(BUILD)/iotls

.PHONY: all lib tool examples test tests demo install clean fuzz memcheck format format-check
all: lib tool examples

lib: $(STATIC) $(SHARED)
tool: $(TOOL)
examples: $(EXAMPLES)
tests: $(TESTS) $(TOOL)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# Allocation-failure tests wrap malloc at link time (no hook in the library).
$(BUILD)/tests/unit/test_fail_alloc: LDFLAGS += -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc

# Tests include their helpers (tests/lib/*.h) by bare name.
$(BUILD)/obj/tests/%.o: CFLAGS += -Itests/lib

$(STATIC): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libiotls.so.0 $(LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf libiotls.so.$(VERSION) $(BUILD)/libiotls.so.0
	ln -sf libiotls.so.$(VERSION) $(BUILD)/libiotls.so

$(TOOL): $(TOOL_OBJ) $(STATIC)
	$(CC) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(STATIC) $(LIBS) $(TOOLLIBS)

$(BUILD)/examples/%: $(BUILD)/obj/examples/%.o $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(STATIC) $(LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/%.o $(TLIB_OBJ) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TLIB_OBJ) $(STATIC) $(LIBS) $(TESTLIBS) $(TOOLLIBS)

test: tests examples
	IOTLS_BUILD=$(BUILD) IOTLS_SANFLAGS="$(SANFLAGS)" tests/run.sh $(TESTS)

# The in-process unit tests once more under valgrind's memcheck (CI runs
# it; the sanitizer build covers the rest).
MEMCHECK := $(addprefix $(BUILD)/tests/unit/,test_session test_store test_store_session \
              test_hello_sniff test_cert_walk test_errors test_trust_policies test_fail_alloc \
              test_workspace test_trust_static test_session_spare test_port_clockless)
memcheck: $(MEMCHECK)
	for t in $(MEMCHECK); do \
	    IOTLS_BUILD=$(BUILD) valgrind -q --error-exitcode=9 --leak-check=full \
	        --errors-for-leak-kinds=definite --log-file=$$t.memcheck $$t > /dev/null 2>&1 \
	        || { cat $$t.memcheck; echo "memcheck: $$t failed"; exit 1; }; \
	done
	@echo "memcheck: $(words $(MEMCHECK)) test programs clean under valgrind"

demo: $(BUILD)/examples/demo $(TOOL)
	scripts/demo.sh $(BUILD)

install: lib tool
	install -d $(DESTDIR)$(PREFIX)/include/iotls $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/iotls/*.h $(DESTDIR)$(PREFIX)/include/iotls/
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libiotls.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libiotls.so.0
	ln -sf libiotls.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libiotls.so
	install -m 755 $(TOOL) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' iotls.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/iotls.pc

# ---- ESP8266 SDK compatibility (issue 5, docs/espconn.md) --------------------
# libiotls-espconn.a stays out of libiotls.a: its runtime object defines main()
# (which calls the application's user_init). SDK-style sources find the host
# versions of "espconn.h", "osapi.h", ... through -I$(ESP_INC).
ESP_INC  := include/iotls/compat/esp8266
ESP_SRC  := $(sort $(wildcard src/compat/espconn/*.c))
ESP_OBJ  := $(call obj,$(ESP_SRC))
ESP_LIB  := $(BUILD)/libiotls-espconn.a
ESP_EX   := $(patsubst examples/espconn/%.c,$(BUILD)/examples/espconn/%,$(wildcard examples/espconn/*.c))

.PHONY: espconn install-espconn
espconn: $(ESP_LIB) $(ESP_EX)
lib: $(ESP_LIB)
examples: $(ESP_EX)

$(ESP_LIB): $(ESP_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/obj/examples/espconn/%.o: CFLAGS += -I$(ESP_INC) -Iexamples/espconn
$(BUILD)/examples/espconn/%: $(BUILD)/obj/examples/espconn/%.o $(ESP_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(ESP_LIB) $(STATIC) $(LIBS)

# API tests link the compat library too; their own main() keeps the runtime out.
$(BUILD)/tests/unit/test_espconn%: $(BUILD)/obj/tests/unit/test_espconn%.o $(TLIB_OBJ) $(ESP_LIB) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TLIB_OBJ) $(ESP_LIB) $(STATIC) $(LIBS) $(TESTLIBS) $(TOOLLIBS)

install: install-espconn
install-espconn: $(ESP_LIB)
	install -d $(DESTDIR)$(PREFIX)/include/iotls/compat/esp8266 $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 include/iotls/compat/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/
	install -m 644 $(ESP_INC)/*.h $(DESTDIR)$(PREFIX)/include/iotls/compat/esp8266/
	install -m 644 $(ESP_LIB) $(DESTDIR)$(PREFIX)/lib/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' iotls-espconn.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/iotls-espconn.pc

# libFuzzer targets (clang): make fuzz, then run $(BUILD)-fuzz/fuzz_x -max_total_time=30
# The library is compiled once (with libFuzzer's coverage instrumentation)
# and linked into every target.
FUZZ_BUILD := build-fuzz
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=address,undefined -Iinclude -Isrc
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_BUILD)/obj/%.o,$(LIB_SRC))
fuzz: $(patsubst fuzz/%.c,$(FUZZ_BUILD)/%,$(FUZZ_SRC))
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@
$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c $(FUZZ_LIB_OBJ)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d $< $(FUZZ_LIB_OBJ) -o $@ $(LIBS)
-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

# Benchmarks: bench-build, bench, bench-smoke (see bench/bench.mk, docs/benchmarks.md).
include bench/bench.mk

# Each further layer (http, compat libraries, ports) brings its own rules in
# mk/<layer>.mk, so layers can be added without touching this file.
include $(sort $(wildcard mk/*.mk))

# Mechanical style (.clang-format): rewrite, or only check (CI-friendly).
format:
	clang-format -i $$(git ls-files '*.c' '*.h')
format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
.SECONDARY:
