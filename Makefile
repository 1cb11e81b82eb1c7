# Amphi top-level build.  `make` builds build/amphi; see README.md for the
# rest.  Targets that need packages install them first (scripts/deps.sh
# installs only what is missing).
BUILD := build
export BUILD

.PHONY: all amphi guests iso run test test-long bench unit deps clean

all: amphi

amphi:
	@$(MAKE) --no-print-directory -C xen

iso: amphi
	@scripts/mkiso.sh $(BUILD)/amphi.iso

deps:
	@scripts/deps.sh

guests:
	@$(MAKE) --no-print-directory -s -C tests/guests

run: deps amphi guests
	@scripts/run.sh

unit:
	@$(MAKE) --no-print-directory -C tests/unit run

test: deps
	@tests/run-tests.sh

test-long: deps
	@tests/run-tests.sh --long

bench: deps
	@tests/bench/run.sh

clean:
	rm -rf $(BUILD)
