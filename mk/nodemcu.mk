# ---- NodeMCU Lua modules (issue 13, docs/nodemcu.md) -------------------------
# src/compat/nodemcu/ is compiled twice, against Lua 5.1 (NodeMCU 2.x) and
# Lua 5.3 (3.x): libiotls-nodemcu-lua5.x.a, the runners iotls-lua5.x (what
# `iotls lua` executes; one program cannot link both Lua versions) and the
# module lua5.x/nodemcu.so for `require "nodemcu"` from a stock interpreter.
NM_SRC      := $(sort $(wildcard src/compat/nodemcu/*.c))
NM_VERSIONS := 5.1 5.3
NM_LUA_CFLAGS_5.1 := $(shell pkg-config --cflags lua5.1 2>/dev/null || echo -I/usr/include/lua5.1)
NM_LUA_CFLAGS_5.3 := $(shell pkg-config --cflags lua5.3 2>/dev/null || echo -I/usr/include/lua5.3)
NM_LUA_LIBS_5.1   := $(shell pkg-config --libs lua5.1 2>/dev/null || echo -llua5.1)
NM_LUA_LIBS_5.3   := $(shell pkg-config --libs lua5.3 2>/dev/null || echo -llua5.3)

nm_objs   = $(patsubst %.c,$(BUILD)/obj/lua$(1)/%.o,$(NM_SRC))
NM_LIBS    := $(foreach v,$(NM_VERSIONS),$(BUILD)/libiotls-nodemcu-lua$(v).a)
NM_RUNNERS := $(foreach v,$(NM_VERSIONS),$(BUILD)/iotls-lua$(v))
NM_MODULES := $(foreach v,$(NM_VERSIONS),$(BUILD)/lua$(v)/nodemcu.so)

.PHONY: nodemcu install-nodemcu
nodemcu: $(NM_LIBS) $(NM_RUNNERS) $(NM_MODULES)
lib: $(NM_LIBS) $(NM_MODULES)
tool: $(NM_RUNNERS)
tests: $(NM_RUNNERS) $(NM_MODULES)

define NM_RULES
$(BUILD)/obj/lua$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(NM_LUA_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@

$(BUILD)/libiotls-nodemcu-lua$(1).a: $(call nm_objs,$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^

$(BUILD)/iotls-lua$(1): $(BUILD)/obj/lua$(1)/tools/iotls-lua/main.o \
                        $(BUILD)/libiotls-nodemcu-lua$(1).a $(STATIC)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(BUILD)/libiotls-nodemcu-lua$(1).a $(STATIC) $$(LIBS) \
	    $$(NM_LUA_LIBS_$(1)) -lm -ldl

# The interpreter provides the Lua symbols; libiotls's objects are PIC.
$(BUILD)/lua$(1)/nodemcu.so: $(call nm_objs,$(1)) $(LIB_OBJ)
	@mkdir -p $$(dir $$@)
	$$(CC) -shared $$(LDFLAGS) -o $$@ $$^ $$(LIBS) -lm
endef
$(foreach v,$(NM_VERSIONS),$(eval $(call NM_RULES,$(v))))

install: install-nodemcu
install-nodemcu: nodemcu
	install -d $(DESTDIR)$(PREFIX)/include/iotls/compat $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/iotls/compat/nodemcu.h $(DESTDIR)$(PREFIX)/include/iotls/compat/
	for v in $(NM_VERSIONS); do \
	    install -m 644 $(BUILD)/libiotls-nodemcu-lua$$v.a $(DESTDIR)$(PREFIX)/lib/ && \
	    install -m 755 $(BUILD)/iotls-lua$$v $(DESTDIR)$(PREFIX)/bin/ && \
	    install -d $(DESTDIR)$(PREFIX)/lib/lua/$$v && \
	    install -m 755 $(BUILD)/lua$$v/nodemcu.so $(DESTDIR)$(PREFIX)/lib/lua/$$v/ && \
	    sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' -e "s|@LUA@|$$v|g" \
	        iotls-nodemcu.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/iotls-nodemcu-lua$$v.pc \
	    || exit 1; \
	done
