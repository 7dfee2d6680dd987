# flamekit -- see README.md. `make help` lists the targets.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build
CC ?= cc
SAN ?=

PKGS := glib-2.0 libarchive libzstd libelf json-glib-1.0 libdeflate
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wwrite-strings -Wvla -fno-common -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -isystem /usr/include/libdwarf \
        -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 \
        -DFK_VERSION='"$(VERSION)"' -MMD -MP
LIBS := $(PKG_LIBS) -ldwarf -liberty -lz -lm -lpthread
# The flamekit binary loads libarchive and json-glib when a run needs them
# (formats/dynlib.h), by their sonames; the tests, which write archives, and
# cargo-flamekit, which reads cargo's JSON on every run, link them.
BIN_LIBS := $(shell pkg-config --libs $(filter-out libarchive json-glib-1.0,$(PKGS)) 2>/dev/null) -ldwarf -liberty -lz -lm -lpthread
# soname PKG LIB: the soname of LIB.so of pkg-config's PKG, if objdump tells
soname = $(shell objdump -p "$$(pkg-config --variable=libdir $(1) 2>/dev/null)/$(2).so" 2>/dev/null | awk '$$1 == "SONAME" { print $$2 }')
LIBARCHIVE_SONAME := $(call soname,libarchive,libarchive)
JSONGLIB_SONAME := $(call soname,json-glib-1.0,libjson-glib-1.0)
ALL_CFLAGS += -DFK_LIBARCHIVE_SONAME='"$(or $(LIBARCHIVE_SONAME),libarchive.so.13)"' \
        -DFK_JSONGLIB_SONAME='"$(or $(JSONGLIB_SONAME),libjson-glib-1.0.so.0)"'

ifeq ($(SAN),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1
LDSAN := -fsanitize=address,undefined
endif

LIB_SRC := $(sort $(wildcard analyze/*.c formats/*.c formats/*/*.c render/*.c))
# cmd/cargo-flamekit.c is the cargo front end's main: its own binary.
CMD_SRC := $(filter-out cmd/cargo-flamekit.c,$(sort $(wildcard cmd/*.c)))
UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=$(BUILD)/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/fuzz-%.c=$(BUILD)/tests/fuzz/replay-%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/fuzz-%.c=build-fuzz/fuzz-%)

FLAMEKIT := $(BUILD)/flamekit
CARGO_FLAMEKIT := $(BUILD)/cargo-flamekit
# Manual pages, made from docs/flamekit*.md by docs/md2man.awk.
MAN_SRC := $(sort $(wildcard docs/flamekit*.md))
MAN_PAGES := $(MAN_SRC:docs/%.md=$(BUILD)/man/%.1)

.PHONY: all deps demo check check-asan check-browser fuzz fuzz-run bench install clean help format \
    format-check
all: $(FLAMEKIT) $(CARGO_FLAMEKIT) $(MAN_PAGES)
# Test and fuzz objects are intermediate files of pattern rules; without this
# make deletes them after linking and rebuilds them on every `make check`.
.SECONDARY:

help:
	@echo "make deps        install the Debian packages flamekit needs (idempotent)"
	@echo "make             build $(FLAMEKIT)"
	@echo "make demo        set up, build, and graph the demo corpus"
	@echo "make check       build and run every test"
	@echo "make check-asan  the tests under AddressSanitizer and UBSan"
	@echo "make check-browser  the SVG page in headless chromium (playwright-core)"
	@echo "make fuzz        build the libFuzzer targets (clang) into build-fuzz/"
	@echo "make fuzz-run    run each of them FUZZ_SECONDS (600); crashers kept for make check"
	@echo "make bench       measure speed and memory, side by side with peers"
	@echo "make install     install flamekit, cargo-flamekit, man pages, completions into \$$(DESTDIR)\$$(PREFIX)"
	@echo "make format      apply .clang-format to the sources"
	@echo "make format-check  fail where a source differs from .clang-format (CI, after make check)"

deps:
	@sh tests/deps.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libflamekit.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FLAMEKIT): $(CMD_OBJ) $(BUILD)/libflamekit.a
	$(CC) $(LDSAN) -o $@ $(CMD_OBJ) $(BUILD)/libflamekit.a $(BIN_LIBS)

# The same objects but main.o: cargo-flamekit shares the messages (common.c)
# and runs the flamekit binary for the recording.
$(CARGO_FLAMEKIT): $(BUILD)/cmd/cargo-flamekit.o $(filter-out $(BUILD)/cmd/main.o,$(CMD_OBJ)) $(BUILD)/libflamekit.a
	$(CC) $(LDSAN) -o $@ $^ $(LIBS)

# A command's page and the pages it links to (inputs.md, transforms.md, ...:
# the options it shares), as one manual.
$(BUILD)/man/%.1: docs/%.md docs/md2man.awk $(filter-out $(MAN_SRC),$(wildcard docs/*.md))
	@mkdir -p $(dir $@)
	@echo "  MAN $@"; awk -v version=$(VERSION) -f docs/md2man.awk $< \
	    $$(grep -o '([a-z-]*\.md)' $< | tr -d '()' | grep -vx '$(notdir $<)' | sort -u | sed 's,^,docs/,') \
	    >$@.tmp && mv $@.tmp $@

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(BUILD)/libflamekit.a
	$(CC) $(LDSAN) -o $@ $< $(BUILD)/libflamekit.a $(LIBS)

$(BUILD)/tests/fuzz/replay-%: $(BUILD)/tests/fuzz/fuzz-%.o $(BUILD)/tests/fuzz/driver.o $(BUILD)/libflamekit.a
	$(CC) $(LDSAN) -o $@ $^ $(LIBS)

TESTS_BUILT := $(FLAMEKIT) $(CARGO_FLAMEKIT) $(MAN_PAGES) $(UNIT_BIN) $(REPLAY_BIN)
TESTS_BUILT += $(BUILD)/tests/bench/symbolize-lookups

# deps first, then a new make: this one read the Makefile before GLib and the
# other -dev packages were installed, so its pkg-config flags may be empty. The
# sub-make parses the Makefile again, with the packages in place (and under -j
# nothing is compiled before deps has finished).
demo:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory $(FLAMEKIT)
	@sh corpora/demo/run.sh $(FLAMEKIT) $(BUILD)/demo

# The tests run with no cache of inflated DWARF (formats/symbols/inflatecache.h):
# what they check is what a first run does, and they write nothing to $HOME;
# t0736 and test-inflatecache turn it on in directories of their own.
check: $(TESTS_BUILT)
	FLAMEKIT_CACHE_DIR= FLAMEKIT=$(abspath $(FLAMEKIT)) BUILD=$(abspath $(BUILD)) prove --exec '' \
	    $(UNIT_BIN) tests/golden/run.sh $(sort $(wildcard tests/cli/t*.sh)) tests/fuzz/replay.sh

check-asan:
	$(MAKE) BUILD=build-asan SAN=1 check G_SLICE=always-malloc G_DEBUG=gc-friendly \
	    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1

fuzz: $(FUZZ_BIN)
# Every fuzz target for FUZZ_SECONDS (600) each, two at a time; crashers are
# kept under tests/fuzz/regress/ for make check to replay.
FUZZ_SECONDS ?= 600
fuzz-run: $(FUZZ_BIN)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) 2
build-fuzz/fuzz-%: tests/fuzz/fuzz-%.c $(LIB_SRC)
	@mkdir -p build-fuzz
	clang -std=c17 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
	    -isystem /usr/include/libdwarf -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74 \
	    -DGLIB_VERSION_MAX_ALLOWED=GLIB_VERSION_2_74 -o $@ $< $(LIB_SRC) $(LIBS)

bench: $(FLAMEKIT) $(BUILD)/tests/bench/symbolize-lookups
	@sh tests/bench/run.sh $(FLAMEKIT)

# The SVG page in Debian's chromium through playwright-core (see tests/browser/).
check-browser: $(FLAMEKIT)
	FLAMEKIT_CACHE_DIR= FLAMEKIT=$(abspath $(FLAMEKIT)) BUILD=$(abspath $(BUILD)) prove --exec '' tests/browser/check.sh tests/browser/report.sh

# cargo-flamekit beside flamekit (cargo finds it as `cargo flamekit`), the
# manual pages, and the completion scripts where bash-completion, zsh and
# fish look for them.
install: $(FLAMEKIT) $(CARGO_FLAMEKIT) $(MAN_PAGES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	    $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(FLAMEKIT) $(DESTDIR)$(PREFIX)/bin/flamekit
	install -m 755 $(CARGO_FLAMEKIT) $(DESTDIR)$(PREFIX)/bin/cargo-flamekit
	install -m 644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1/
	$(FLAMEKIT) completions bash >$(DESTDIR)$(PREFIX)/share/bash-completion/completions/flamekit
	$(FLAMEKIT) completions zsh >$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_flamekit
	$(FLAMEKIT) completions fish >$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/flamekit.fish

# The sources .clang-format applies to: not render/svg-assets.c and
# report-assets.c (embed.sh writes them; t0301 and t1001 compare), nor the
# corpora's programs (their captures name their lines).
FORMAT_SRC := $(filter-out render/svg-assets.c render/report-assets.c,$(LIB_SRC)) \
    $(CMD_SRC) cmd/cargo-flamekit.c $(wildcard analyze/*.h cmd/*.h formats/*.h formats/*/*.h render/*.h) $(UNIT_SRC) \
    $(wildcard tests/fuzz/*.c tests/fuzz/*.h tests/bench/*.c)

format:
	clang-format -i $(FORMAT_SRC)

# For CI after `make check`: fails (and names the lines) where a source
# differs from what `make format` would make of it.
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Tools under tests/bench/ (symbolizer micro benchmark and comparison driver).
$(BUILD)/tests/bench/%: $(BUILD)/tests/bench/%.o $(BUILD)/libflamekit.a
	$(CC) $(LDSAN) -o $@ $< $(BUILD)/libflamekit.a $(LIBS)
