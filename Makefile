# ctbox: one non-recursive makefile.
#   make              dynamic build against the system libmnl (pkg-config)
#   make STATIC=1     one static ELF with musl-gcc
#   make musl-check   compile every object with musl-gcc (no link)
#   make SAN=1 ...    AddressSanitizer + UndefinedBehaviorSanitizer build
#   make check        all tests (tests/run); make bench; make install

PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DESTDIR ?=

CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CSTD    := -std=c11 -D_GNU_SOURCE
CFLAGS  ?= -O2 -g
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -I. $(LIBMNL_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(LIBMNL_LIBS) -pthread

# O=DIR puts every build product under DIR (default build/).
O ?= build
ifeq ($(STATIC),1)
  CC := musl-gcc
  BUILD := $(O)/static
  MUSL_INC := $(BUILD)/inc
  LIBMNL_CFLAGS ?= $(shell pkg-config --cflags libmnl 2>/dev/null)
  LIBMNL_LIBS ?= $(shell pkg-config --static --libs libmnl 2>/dev/null)
  EXTRA_CFLAGS += -isystem $(MUSL_INC)
  LDFLAGS += -static
else ifeq ($(SAN),1)
  BUILD := $(O)/san
  EXTRA_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
  LIBMNL_CFLAGS ?= $(shell pkg-config --cflags libmnl 2>/dev/null)
  LIBMNL_LIBS ?= $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
else
  BUILD := $(O)
  LIBMNL_CFLAGS ?= $(shell pkg-config --cflags libmnl 2>/dev/null)
  LIBMNL_LIBS ?= $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
endif

LIB_SRC := $(sort $(wildcard lib/*.c netlink/*.c sync/*.c config/*.c))
APP_SRC := $(sort $(filter-out applets/main.c,$(wildcard applets/*.c)))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(APP_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/applets/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
APPLETS := conntrack conntrackd nfct

.PHONY: all deps check unit musl-check install clean run bench fuzz size static-libmnl-check

all: $(BUILD)/ctbox ctbox-links

ctbox-links: $(BUILD)/ctbox
	@mkdir -p $(BUILD)/bin
	@for a in $(APPLETS); do ln -sf ../ctbox $(BUILD)/bin/$$a; done
	@ln -sf ../ctbox $(BUILD)/bin/ctbox

$(BUILD)/ctbox: $(MAIN_OBJ) $(BUILD)/libctbox.a | static-libmnl-check
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/libctbox.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(if $(STATIC),$(MUSL_INC)/.done)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# musl-gcc only searches musl's own headers: give it the kernel uapi
# headers and libmnl's header from the system, nothing else.
UAPI_DIRS := linux asm asm-generic libmnl
$(MUSL_INC)/.done:
	@mkdir -p $(MUSL_INC)
	@for d in $(UAPI_DIRS); do \
	  for base in /usr/include /usr/include/$$(gcc -dumpmachine); do \
	    [ -e $$base/$$d ] && ln -sfn $$base/$$d $(MUSL_INC)/$$d && break; \
	  done; \
	done; true
	@touch $@

static-libmnl-check:
ifeq ($(STATIC),1)
	@command -v musl-gcc >/dev/null || { echo "make STATIC=1: musl-gcc not found; install musl-tools"; exit 1; }
	@printf '#include <libmnl/libmnl.h>\nint main(void){return mnl_socket_open(0) != 0;}\n' | \
	  musl-gcc -static -isystem $(MUSL_INC) $(LIBMNL_CFLAGS) -x c -o /dev/null - $(LIBMNL_LIBS) >/dev/null 2>&1 || \
	  { echo "make STATIC=1: no static libmnl for musl; build libmnl with musl-gcc and set LIBMNL_CFLAGS=-I<prefix>/include LIBMNL_LIBS=<prefix>/lib/libmnl.a"; exit 1; }
endif

musl-check:
	@command -v musl-gcc >/dev/null || { echo "musl-check: musl-gcc not found; install musl-tools"; exit 1; }
	@$(MAKE) --no-print-directory STATIC=1 O=$(O) $(addprefix $(O)/static/,$(LIB_SRC:.c=.o) $(APP_SRC:.c=.o) applets/main.o) \
	  && echo "musl-check: every object compiles with musl-gcc"

$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/t.h $(BUILD)/libctbox.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libctbox.a $(LDLIBS_ALL)

# Test tools that are not tests themselves (used by integration tests).
$(BUILD)/tests/conf_check: tests/unit/conf_check.c $(BUILD)/libctbox.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libctbox.a $(LDLIBS_ALL)

$(BUILD)/tests/chan_tool: tests/unit/chan_tool.c $(BUILD)/libctbox.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libctbox.a $(LDLIBS_ALL)

# The HA harness's TCP sessions (tests/integration/ha/): no libctbox.
$(BUILD)/tests/ha_sessions: tests/integration/ha/sessions.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

unit: $(UNIT_BIN) $(BUILD)/tests/conf_check $(BUILD)/tests/chan_tool $(BUILD)/tests/ha_sessions

check: deps all unit
	CTBOX_BUILD=$(BUILD) tests/run

deps:
	@tests/deps.sh

# libFuzzer targets (clang): build/fuzz/fuzz_*; run e.g. build/fuzz/fuzz_ct_nl -max_total_time=60
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz:
	@mkdir -p $(O)/fuzz
	@for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); echo "  FUZZ $$n"; \
	  clang $(CSTD) -g -O1 -I. -fsanitize=fuzzer,address,undefined -o $(O)/fuzz/$$n $$f \
	    $(LIB_SRC) $(LIBMNL_CFLAGS) $(LIBMNL_LIBS) -pthread || exit 1; \
	done

run: all
	$(BUILD)/bin/conntrack -L

bench: all
	CTBOX_BUILD=$(BUILD) tests/bench/run

install: $(BUILD)/ctbox
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BUILD)/ctbox $(DESTDIR)$(SBINDIR)/ctbox
	for a in $(APPLETS); do ln -sf ctbox $(DESTDIR)$(SBINDIR)/$$a; done

size: $(BUILD)/ctbox
	@size $(BUILD)/ctbox
	@for d in applets lib netlink sync config; do \
	  printf '%-8s ' $$d; size $(filter $(BUILD)/$$d/%,$(LIB_OBJ) $(MAIN_OBJ)) /dev/null 2>/dev/null | awk 'NR>1{t+=$$1} END{print t+0, "bytes text"}'; done

clean:
	rm -rf $(O)
