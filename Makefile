# pptp-natcheck: plain Makefile.  Targets: all check fuzz bench lab format install clean.
# Overridable: CC CFLAGS LDFLAGS PREFIX DESTDIR PKG_CONFIG SANITIZE=1 FUZZ_SECONDS.

PROG      = pptp-natcheck
VERSION   = 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC       ?= cc
CLANG    ?= clang
CFLAGS   ?= -O2 -g
FUZZ_SECONDS ?= 60

# Flags from pkg-config are expanded lazily, so `make check` on a machine
# that lacks a library reaches scripts/deps before the first compile.
DEP_CFLAGS  = $(shell $(PKG_CONFIG) --cflags libpcap jansson 2>/dev/null)
DEP_LIBS    = $(shell $(PKG_CONFIG) --libs libpcap jansson 2>/dev/null || echo -lpcap -ljansson) -lpthread -lm
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)

WARN      = -Wall -Wextra -Wshadow -Wconversion -Wno-sign-conversion -Werror
STD       = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ALL_CFLAGS = $(STD) $(WARN) -Iinclude $(DEP_CFLAGS) -DPPTP_NATCHECK_VERSION='"$(VERSION)"' $(CFLAGS)

ifeq ($(SANITIZE),1)
BUILD     = build/sanitize
SAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ALL_CFLAGS += $(SAN_FLAGS) -O1
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)
BIN       = $(BUILD)/$(PROG)
else
BUILD     = build/release
ALL_LDFLAGS = $(LDFLAGS)
BIN       = ./$(PROG)
endif

LIB_SRCS  = $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJS  = $(LIB_SRCS:src/%.c=$(BUILD)/src/%.o)
LIB       = $(BUILD)/libnatcheck.a
CHECK_SRCS = $(wildcard tests/check_*.c)
CHECK_BINS = $(CHECK_SRCS:tests/%.c=$(BUILD)/tests/%)
FUZZ_SRCS = $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/replay/%)
FUZZ_BINS = $(FUZZ_SRCS:tests/fuzz/%.c=build/fuzz/%)
LAB_SRCS  = $(wildcard tests/lab/*.c)
LAB_BINS  = $(LAB_SRCS:tests/lab/%.c=$(BUILD)/lab/%)
BENCH_SRCS = $(wildcard bench/*.c)
BENCH_BINS = $(BENCH_SRCS:bench/%.c=build/release/bench/%)
HDRS      = $(wildcard include/*.h)

.PHONY: all check unit golden fuzz bench lab format install uninstall clean deps tools

all: $(BIN)

$(BUILD)/src/%.o: src/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/src/main.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(BUILD)/tests/%: tests/%.c $(LIB) $(HDRS) $(wildcard tests/*.h)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(CHECK_CFLAGS) -Wno-conversion -Itests -o $@ $< $(LIB) $(ALL_LDFLAGS) $(CHECK_LIBS) $(DEP_LIBS)

# Fuzz harnesses, linked with a small driver that replays a corpus (make check).
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay_main.c $(LIB) $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay_main.c $(LIB) $(ALL_LDFLAGS) $(DEP_LIBS)

# The same harnesses under libFuzzer (make fuzz); needs clang.
FUZZ_CFLAGS = $(STD) -Wall -Wextra -Iinclude $(DEP_CFLAGS) -DPPTP_NATCHECK_VERSION='"$(VERSION)"' \
	-O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
build/fuzz/%: tests/fuzz/%.c $(LIB_SRCS) $(HDRS)
	@mkdir -p $(@D)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(LIB_SRCS) $(DEP_LIBS)

$(BUILD)/lab/%: tests/lab/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/lab -o $@ $< $(ALL_LDFLAGS) $(DEP_LIBS)

build/release/bench/%: bench/%.c $(HDRS)
	@mkdir -p $(@D)
	$(CC) $(STD) $(WARN) -Iinclude $(DEP_CFLAGS) -O2 -g -o $@ $< $(DEP_LIBS)

tools: $(BIN) $(CHECK_BINS) $(REPLAY_BINS) $(LAB_BINS)

# The whole suite: unit suites, golden reports, bad inputs, fuzz corpus
# replay, and the namespace lab (live when root, committed captures always).
check: tools
	BUILD=$(BUILD) BIN=$(BIN) sh tests/run-suite

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run-fuzz $(FUZZ_BINS)

bench: $(BIN) $(BENCH_BINS)
	BIN=$(BIN) sh bench/run-bench

lab: $(BIN) $(LAB_BINS)
	BUILD=$(BUILD) sh tests/lab/run-lab --all testdata/lab

format:
	clang-format -i src/*.c include/*.h tests/*.c tests/*.h tests/fuzz/*.c tests/lab/*.c bench/*.c

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/$(PROG)
	install -m 644 man/$(PROG).1 $(DESTDIR)$(MANDIR)/man1/$(PROG).1
	install -m 644 man/$(PROG)-json.5 $(DESTDIR)$(MANDIR)/man5/$(PROG)-json.5

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man1/$(PROG).1 \
	    $(DESTDIR)$(MANDIR)/man5/$(PROG)-json.5

clean:
	rm -rf build $(PROG)
