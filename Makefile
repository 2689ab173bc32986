# ctbox: one non-recursive makefile.
#   make              dynamic build against the system libmnl (pkg-config)
#   make STATIC=1     one static ELF with musl-gcc, libmnl built from source
#                     (LIBMNL_SRC=DIR|FILE.tar.bz2, else LIBMNL_URL downloaded)
#   make STATIC=1 size  stripped size of the static ELF, per object
#   make musl-check   compile every object with musl-gcc (no link)
#   make SAN=1 ...    AddressSanitizer + UndefinedBehaviorSanitizer build
#   make check        all tests (tests/run); make bench; make install

PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/ctbox
DATADIR ?= $(PREFIX)/share/ctbox
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
DESTDIR ?=
STRIP   ?= strip

CC      ?= cc
WARN    := -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wno-format-nonliteral
CSTD    := -std=c11 -D_GNU_SOURCE
ifeq ($(STATIC),1)
  CFLAGS ?= -Os
else
  CFLAGS ?= -O2 -g
endif
ALL_CFLAGS = $(CSTD) $(WARN) $(CFLAGS) -I. $(LIBMNL_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS_ALL = $(LIBMNL_LIBS) -pthread

# O=DIR puts every build product under DIR (default build/).
O ?= build
ifeq ($(STATIC),1)
  CC := musl-gcc
  BUILD := $(O)/static
  MUSL_INC := $(BUILD)/inc
  # The product: small before fast; unused functions and data are dropped
  # at link time, the installed binary is stripped.
  # No unwind tables: C needs none (nothing unwinds, musl's thread
  # cancellation does not), and they were a ninth of the file.
  SIZE_CFLAGS := -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
  EXTRA_CFLAGS += -isystem $(MUSL_INC) $(SIZE_CFLAGS)
  LDFLAGS += -static -Wl,--gc-sections
  # objects, not the archive, so that the link map names each one by its
  # path (lib/timeout.o and netlink/timeout.o are both timeout.o in it);
  # --gc-sections drops whatever an archive would have left out
  MAPFLAGS := -Wl,-Map=$(BUILD)/ctbox.map
  CTBOX_LINK = $(LIB_OBJ)
  ifneq ($(filter command line environment,$(origin LIBMNL_LIBS)),)
    # a prebuilt static libmnl for musl: LIBMNL_CFLAGS=-I<prefix>/include
    # LIBMNL_LIBS=<prefix>/lib/libmnl.a
    LIBMNL_CFLAGS ?=
    MNL_PREBUILT := 1
  else
    MNL_DIR := $(BUILD)/libmnl
    LIBMNL_CFLAGS := -isystem $(MNL_DIR)/include
    LIBMNL_LIBS := $(MNL_DIR)/libmnl.a
    MNL_DEP := $(MNL_DIR)/libmnl.a
  endif
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

CTBOX_LINK ?= $(BUILD)/libctbox.a
$(BUILD)/ctbox: $(MAIN_OBJ) $(BUILD)/libctbox.a $(MNL_DEP) | static-libmnl-check
	$(CC) $(LDFLAGS) $(MAPFLAGS) -o $@ $(MAIN_OBJ) $(CTBOX_LINK) $(LDLIBS_ALL)

$(BUILD)/libctbox.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c $(if $(STATIC),$(MUSL_INC)/.done) | $(MNL_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d)

# musl-gcc only searches musl's own headers: give it the kernel uapi
# headers from the system, nothing else (libmnl's header from the system
# too, for musl-check; a libmnl built from source comes first).
UAPI_DIRS := linux asm asm-generic libmnl
$(MUSL_INC)/.done:
	@mkdir -p $(MUSL_INC)
	@for d in $(UAPI_DIRS); do \
	  for base in /usr/include /usr/include/$$(gcc -dumpmachine); do \
	    [ -e $$base/$$d ] && ln -sfn $$base/$$d $(MUSL_INC)/$$d && break; \
	  done; \
	done; true
	@touch $@

# libmnl for the static build, from its release source (mk/libmnl.sh).
# LIBMNL_SRC: an unpacked release tree or a release tarball; without it the
# pinned release is downloaded and must match LIBMNL_SHA256.  The checksum
# of libmnl-1.0.4.tar.bz2 (301270 bytes) is the one published for that
# upstream tarball in Debian's libmnl_1.0.4-3.dsc (libmnl_1.0.4.orig.tar.bz2
# is upstream's file unchanged) and in Homebrew's libmnl formula.
LIBMNL_URL ?= https://www.netfilter.org/projects/libmnl/files/libmnl-1.0.4.tar.bz2
LIBMNL_SHA256 ?= 171f89699f286a5854b72b91d06e8f8e3683064c5901fb09d954a9ab6f551f81
LIBMNL_SRC ?=
ifneq ($(MNL_DIR),)
$(MNL_DIR)/libmnl.a: $(MUSL_INC)/.done
	@command -v musl-gcc >/dev/null || { echo "make STATIC=1: musl-gcc not found; install musl-tools"; exit 1; }
	@echo "  LIBMNL $(or $(LIBMNL_SRC),$(LIBMNL_URL))"
	@LIBMNL_SRC='$(LIBMNL_SRC)' LIBMNL_URL='$(LIBMNL_URL)' LIBMNL_SHA256='$(LIBMNL_SHA256)' \
	  sh mk/libmnl.sh $(MNL_DIR) $(CC) $(CFLAGS) $(SIZE_CFLAGS) -isystem $(MUSL_INC) -w
endif

# A prebuilt libmnl must be a static one for musl.  "-x c" would apply to
# the archive as well: "-x none" ends it before the libraries.
static-libmnl-check:
ifeq ($(MNL_PREBUILT),1)
	@command -v musl-gcc >/dev/null || { echo "make STATIC=1: musl-gcc not found; install musl-tools"; exit 1; }
	@printf '#include <libmnl/libmnl.h>\nint main(void){return mnl_socket_open(0) != 0;}\n' | \
	  musl-gcc -static -isystem $(MUSL_INC) $(LIBMNL_CFLAGS) -x c -o /dev/null - -x none $(LIBMNL_LIBS) >/dev/null 2>&1 || \
	  { echo "make STATIC=1: LIBMNL_LIBS=$(LIBMNL_LIBS) is no static libmnl for musl; set LIBMNL_SRC=DIR|FILE.tar.bz2 (libmnl release) to build one"; exit 1; }
endif

musl-check:
	@command -v musl-gcc >/dev/null || { echo "musl-check: musl-gcc not found; install musl-tools"; exit 1; }
	@$(MAKE) --no-print-directory STATIC=1 O=$(O) LIBMNL_LIBS=-lmnl $(addprefix $(O)/static/,$(LIB_SRC:.c=.o) $(APP_SRC:.c=.o) applets/main.o) \
	  && echo "musl-check: every object compiles with musl-gcc"

# -MMD: a test that includes a source file (the fuzz targets' simulated
# daemon) is rebuilt when that file changes.
$(BUILD)/tests/test_%: tests/unit/test_%.c tests/unit/t.h $(BUILD)/libctbox.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP $(LDFLAGS) -o $@ $< $(BUILD)/libctbox.a $(LDLIBS_ALL)
-include $(UNIT_BIN:=.d)

# Test tools that are not tests themselves (used by integration tests).
TEST_TOOLS := conf_check chan_tool commit_tool
$(TEST_TOOLS:%=$(BUILD)/tests/%): $(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libctbox.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libctbox.a $(LDLIBS_ALL)

# The HA harness's TCP sessions (tests/integration/ha/): no libctbox.
$(BUILD)/tests/ha_sessions: tests/integration/ha/sessions.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $<

unit: $(UNIT_BIN) $(TEST_TOOLS:%=$(BUILD)/tests/%) $(BUILD)/tests/ha_sessions

check: deps all unit
	CTBOX_BUILD=$(BUILD) tests/run

deps:
	@tests/deps.sh

# libFuzzer targets (clang): build/fuzz/fuzz_*; run e.g.
#   build/fuzz/fuzz_ct_nl -max_total_time=60 tests/fuzz/corpus/ct_nl
# (tests/bench/fuzz.sh runs them all).  The library is built once with
# coverage and the sanitizers (UB is a finding, not a message), and each
# target links against it: a target's own definitions (tests/fuzz/sim.c's
# fake clock, channel, kernel) replace whole members of the archive.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_DIR := $(O)/fuzz
FUZZ_FLAGS := $(CSTD) -g -O1 -I. $(LIBMNL_CFLAGS) -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)
# The targets on the simulated daemon (ctl, sync) link a library without
# the comparison hooks (trace-cmp): half their time went to the hooks in
# the sync core's hot loops (cache keys, packing), whose values no input
# byte steers; their inputs are programs, found by edge coverage.
FUZZ_SIM := $(FUZZ_DIR)/fuzz_ctl $(FUZZ_DIR)/fuzz_sync
FUZZ_OBJ_SIM := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj-sim/%.o)
FUZZ_LIB = $(FUZZ_DIR)/libctbox.a
$(FUZZ_SIM): FUZZ_LIB = $(FUZZ_DIR)/libctbox-sim.a
$(FUZZ_SIM): $(FUZZ_DIR)/libctbox-sim.a

fuzz: $(FUZZ_BIN)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $<"
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj-sim/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC $< (sim)"
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
	  -fno-sanitize-coverage=trace-cmp -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/libctbox.a: $(FUZZ_OBJ)
	@rm -f $@
	@$(AR) rcs $@ $^

$(FUZZ_DIR)/libctbox-sim.a: $(FUZZ_OBJ_SIM)
	@rm -f $@
	@$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libctbox.a
	@echo "  FUZZ $(notdir $@)"
	@clang $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< \
	  $(FUZZ_LIB) $(LIBMNL_LIBS) -pthread

ifneq ($(filter fuzz $(FUZZ_DIR)/%,$(MAKECMDGOALS)),)
-include $(FUZZ_OBJ:.o=.d) $(FUZZ_OBJ_SIM:.o=.d) $(FUZZ_BIN:=.d)
endif

run: all
	$(BUILD)/bin/conntrack -L

bench: all
	CTBOX_BUILD=$(BUILD) tests/bench/run

# The binary stripped, its three links, the man pages, the example
# configs, and the systemd unit and HA scripts when the tree has them.
MAN8 := $(wildcard man/*.8)
MAN5 := $(wildcard man/*.5)
EXAMPLES := $(wildcard config/examples/*.conf)
UNIT := $(wildcard config/systemd/conntrackd.service)
HA := $(wildcard config/ha/*)
install: all
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 -s --strip-program=$(STRIP) $(BUILD)/ctbox $(DESTDIR)$(SBINDIR)/ctbox
	for a in $(APPLETS); do ln -sfn ctbox $(DESTDIR)$(SBINDIR)/$$a; done
ifneq ($(MAN8),)
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8/
endif
ifneq ($(MAN5),)
	install -d $(DESTDIR)$(MANDIR)/man5
	install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
endif
ifneq ($(EXAMPLES),)
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(EXAMPLES) $(DESTDIR)$(DOCDIR)/examples/
endif
ifneq ($(UNIT),)
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0644 $(UNIT) $(DESTDIR)$(SYSTEMDUNITDIR)/
endif
ifneq ($(HA),)
	install -d $(DESTDIR)$(DATADIR)/ha
	for f in $(HA); do \
	  if [ -x $$f ]; then m=0755; else m=0644; fi; \
	  install -m $$m $$f $(DESTDIR)$(DATADIR)/ha/ || exit 1; done
endif

# Stripped size of the binary, and what each object, libmnl and the libc
# put into it: the bytes of the allocated sections the linker kept (after
# --gc-sections), read from the link map.  The rest of the file is ELF
# headers, alignment and section tables.
size: all
ifneq ($(STATIC),1)
	@echo "make size: the size budget is the static build's; run make STATIC=1 size"; exit 1
endif
	@$(STRIP) -o $(BUILD)/ctbox.stripped $(BUILD)/ctbox
	@sh mk/size.sh $(BUILD)/ctbox.stripped $(BUILD)/ctbox.map $(BUILD)/

clean:
	rm -rf $(O)
