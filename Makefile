# SPDX-License-Identifier: GPL-2.0
#
# xtcp: build the module, the selftests and the tools; run the demo and
# the tests in a virtme-ng VM.  The kernel build rules live in Kbuild.
#
#   make                 xtcp.ko against KDIR (see below)
#   make run             the main job in a VM (stock 6.1 kernel)
#   make check           setup, lint, builds, every test on every kernel
#   make lint            checkpatch --strict, sparse, W=1 on 6.1 and 6.12
#   make soak DURATION=s the netem soak suite, 16 MB each way per case,
#                        round after round for DURATION seconds (default
#                        one round); XTCP_SOAK_KERNEL=6.12|debug
#   make bench           xtcp against the kernel's TCP, in one VM boot
#                        (ONLY=tcp|iperf3|tracepoints|scale: one part)
#   make compare         xtcp against the kernel's TCP through netem:
#                        transfer times and ratios per impairment
#                        (PAIRS=n, BYTES=n each way, CASES=regex of
#                        DELAY/NAME; 6.1)
#   make profile         where a stream's time goes (perf, from Debian's
#                        linux-perf), xtcp and TCP, 1 and 8 flows
#   make fuzz DURATION=s the segment and syscall fuzzers on the debug
#                        kernel (default: 1,000,000 segments + 300 s of
#                        syscalls); XTCP_FUZZ_KERNEL=6.1|6.12
#   make modules-all     xtcp.ko for 6.1, 6.12 and the debug kernel
#   make selftests tools userspace programs (tools: xtcpize and its
#                        preload library among them)
#
# KDIR defaults to the running kernel's build dir when it exists, else
# the installed Debian 6.1 headers.

KVER_61   := $(notdir $(lastword $(sort $(wildcard /lib/modules/6.1.*-amd64))))
KVER_612  := $(notdir $(lastword $(sort $(wildcard /lib/modules/6.12.*-amd64))))
KDIR_RUNNING := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(KDIR_RUNNING)/Makefile),$(KDIR_RUNNING),/lib/modules/$(KVER_61)/build)

LINUX_SRC = $(shell scripts/linux-src)
CFLAGS_USER := -O2 -g -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare
BUILD := build

SELFTESTS := $(patsubst selftests/%.c,$(BUILD)/selftests/%,$(wildcard selftests/*_test.c)) \
	     $(BUILD)/selftests/sockprobe
TOOLS := $(BUILD)/tools/xtcpcat $(BUILD)/tools/xtcp-xfer $(BUILD)/tools/xtcp-bench \
	 $(BUILD)/tools/xtcp-fuzz $(BUILD)/tools/xtcp-sysfuzz $(BUILD)/tools/xtcp-synflood \
	 $(BUILD)/tools/xtcp-scale $(BUILD)/tools/xtcp-pkt $(BUILD)/tools/xtcp-trace $(BUILD)/tools/xtcp-stat \
	 $(BUILD)/tools/xtcp-ss $(BUILD)/tools/xtcpize $(BUILD)/tools/libxtcpize.so

.PHONY: all module clean modules-all lint check run selftests tools soak bench fuzz profile compare \
	install install-module install-user uninstall dkms-install dkms-uninstall dkms-test

all: module

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# One build tree per kernel: Kbuild builds in the source directory, so
# each kernel gets a copy of the sources under build/<name>/.  The copy
# keeps Kbuild's objects and .cmd files, so a rebuild is incremental.
RSYNC_KEEP := --filter='P *.o' --filter='P .*.cmd' --filter='P *.mod' \
	      --filter='P *.mod.c' --filter='P *.ko'
$(BUILD)/%/xtcp.ko: FORCE
	@mkdir -p $(BUILD)/$*
	@rsync -a --delete $(RSYNC_KEEP) --include='/Kbuild' --include='/dkms.conf' --include='/module/***' \
		--include='/uapi/***' --exclude='*' ./ $(BUILD)/$*/src/
	$(MAKE) -C $(call kdir_of,$*) M=$(CURDIR)/$(BUILD)/$*/src W=1 modules
	@cp $(BUILD)/$*/src/*.ko $(BUILD)/$*/

# The same for 6.1 with the tracepoints compiled out (NOTRACE): what
# make bench measures the tracepoints' cost while off against.
$(BUILD)/6.1-notrace/xtcp.ko: FORCE
	@mkdir -p $(BUILD)/6.1-notrace
	@rsync -a --delete $(RSYNC_KEEP) --include='/Kbuild' --include='/dkms.conf' --include='/module/***' \
		--include='/uapi/***' --exclude='*' ./ $(BUILD)/6.1-notrace/src/
	$(MAKE) -C /lib/modules/$(KVER_61)/build M=$(CURDIR)/$(BUILD)/6.1-notrace/src \
		W=1 KCFLAGS=-DNOTRACE modules
	@cp $(BUILD)/6.1-notrace/src/*.ko $(BUILD)/6.1-notrace/

# 6.1, 6.12, debug, or a kernel release (make install KVER=...).
kdir_of = $(if $(filter 6.1,$(1)),/lib/modules/$(KVER_61)/build,$(if $(filter 6.12,$(1)),/lib/modules/$(KVER_612)/build,$(if $(filter debug,$(1)),$(shell scripts/build-debug-kernel),/lib/modules/$(1)/build)))

modules-all: $(BUILD)/6.1/xtcp.ko $(BUILD)/6.12/xtcp.ko $(BUILD)/debug/xtcp.ko

selftests: $(SELFTESTS)
$(BUILD)/selftests/%: selftests/%.c $(wildcard selftests/*.h) uapi/linux/xtcp.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -I$(LINUX_SRC)/tools/testing/selftests -o $@ $< -lpthread -lcrypto

tools: $(TOOLS)
$(BUILD)/tools/%: tools/%.c tools/xtcp_param.h tools/xtcp_tun.h tools/xtcp_check.h uapi/linux/xtcp.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -o $@ $< -lpthread -lcrypto -lm

# xtcpize's preload library (tools/xtcpize_preload.c), found by the
# launcher beside itself.
$(BUILD)/tools/libxtcpize.so: tools/xtcpize_preload.c tools/xtcp_param.h uapi/linux/xtcp.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_USER) -fPIC -shared -o $@ $< -ldl

# Installing (Documentation/install.rst).  make install builds xtcp.ko
# for KVER (default: the running kernel) and installs it into the
# kernel's updates/ tree with depmod, so that the first socket() loads
# it; the uapi header, the tools, xtcpize's library, the man pages and
# the Wireshark dissector go under DESTDIR/PREFIX.  XTCP_KO installs a
# module built already instead.  make dkms-install hands the module to
# DKMS (rebuilt for each kernel) and installs the rest the same way.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
KVER ?= $(shell uname -r)
PREFIX ?= /usr/local
INSTALL_TOOLS := xtcpcat xtcpize xtcp-ss xtcp-stat xtcp-trace xtcp-pkt xtcp-bench
XTCP_KO ?=

install: install-module install-user
install-module: $(if $(XTCP_KO),,$(BUILD)/$(KVER)/xtcp.ko)
	install -D -m 644 $(or $(XTCP_KO),$(BUILD)/$(KVER)/xtcp.ko) \
		$(DESTDIR)/lib/modules/$(KVER)/updates/xtcp.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
install-user: $(addprefix $(BUILD)/tools/,$(INSTALL_TOOLS) libxtcpize.so)
	install -D -m 644 uapi/linux/xtcp.h $(DESTDIR)/usr/include/linux/xtcp.h
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/xtcp \
		$(DESTDIR)$(PREFIX)/share/xtcp
	install -m 755 $(addprefix $(BUILD)/tools/,$(INSTALL_TOOLS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(BUILD)/tools/libxtcpize.so $(DESTDIR)$(PREFIX)/lib/xtcp/
	install -m 644 tools/xtcp.lua $(DESTDIR)$(PREFIX)/share/xtcp/
	for m in man/*.[1-8]; do \
		install -D -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/$${m##*/} || exit 1; \
	done
uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KVER)/updates/xtcp.ko
	$(if $(DESTDIR),,depmod -a $(KVER))
	rm -f $(DESTDIR)/usr/include/linux/xtcp.h \
		$(addprefix $(DESTDIR)$(PREFIX)/bin/,$(INSTALL_TOOLS)) \
		$(addprefix $(DESTDIR)$(PREFIX)/share/man/,$(foreach m,$(wildcard man/*.[1-8]),man$(subst .,,$(suffix $(m)))/$(notdir $(m))))
	rm -rf $(DESTDIR)$(PREFIX)/lib/xtcp $(DESTDIR)$(PREFIX)/share/xtcp

DKMS_SRC := /usr/src/xtcp-$(VERSION)
dkms-install: install-user
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -r Kbuild dkms.conf module uapi $(DKMS_SRC)/
	dkms add xtcp/$(VERSION)
	dkms build xtcp/$(VERSION) -k $(KVER)
	dkms install xtcp/$(VERSION) -k $(KVER)
dkms-uninstall: uninstall
	-dkms remove xtcp/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# DKMS in a 6.12 guest (scripts/guest-install with XTCP_DKMS=1).
dkms-test:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	@command -v dkms > /dev/null || { echo "dkms-test: needs dkms (apt-get install dkms)" >&2; exit 1; }
	$(MAKE) $(BUILD)/6.12/xtcp.ko tools
	XTCP_VM_TIMEOUT=2400 scripts/vm 6.12 $(BUILD)/dkms-test env XTCP_DKMS=1 \
		scripts/guest-install-run; rc=$$?; cat $(BUILD)/dkms-test/output.txt; exit $$rc

lint:
	scripts/lint

check:
	scripts/check

# Like check, run installs what it needs first (scripts/setup is a no-op
# when everything is there), then builds for the stock 6.1 kernel.
run:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/6.1/xtcp.ko tools
	scripts/run

DURATION ?= 0
soak:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/$(or $(XTCP_SOAK_KERNEL),6.1)/xtcp.ko tools
	XTCP_SOAK_SECS=$(DURATION) XTCP_VM_TIMEOUT=$$(( $(DURATION) + 3600 )) \
		scripts/vm $(or $(XTCP_SOAK_KERNEL),6.1) $(BUILD)/soak scripts/guest-soak; \
		rc=$$?; grep -E '^(soak|PASS|FAIL)' $(BUILD)/soak/output.txt $(BUILD)/soak/results; exit $$rc

compare:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/6.1/xtcp.ko tools
	XTCP_VM_TIMEOUT=7200 scripts/vm 6.1 $(BUILD)/compare env \
		XTCP_COMPARE_PAIRS=$(or $(PAIRS),3) XTCP_COMPARE_BYTES=$(or $(BYTES),1048576) \
		XTCP_COMPARE_CASES='$(or $(CASES),.)' \
		scripts/guest-compare; rc=$$?; grep '^|\|^compare' $(BUILD)/compare/output.txt; exit $$rc

bench:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/6.1/xtcp.ko $(BUILD)/6.1-notrace/xtcp.ko tools
	XTCP_VM_TIMEOUT=3600 scripts/vm 6.1 $(BUILD)/bench env XTCP_BENCH_ONLY=$(ONLY) \
		scripts/guest-bench; rc=$$?; \
		cat $(BUILD)/bench/output.txt; exit $$rc

profile:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/6.1/xtcp.ko tools
	scripts/vm 6.1 $(BUILD)/profile scripts/guest-profile; rc=$$?; \
		cat $(BUILD)/profile/output.txt; exit $$rc

FUZZ_KERNEL = $(or $(XTCP_FUZZ_KERNEL),debug)
fuzz:
	@if [ "$$(id -u)" = 0 ]; then scripts/setup; else sudo scripts/setup; fi
	$(MAKE) $(BUILD)/$(FUZZ_KERNEL)/xtcp.ko tools
	XTCP_FUZZ_SECS=$(DURATION) XTCP_VM_TIMEOUT=$$(( $(DURATION) + 7200 )) \
		scripts/vm $(FUZZ_KERNEL) $(BUILD)/fuzz scripts/guest-fuzz; rc=$$?; \
		grep -E '^xtcp-(sys)?fuzz' $(BUILD)/fuzz/output.txt; exit $$rc

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf $(BUILD)

FORCE:
