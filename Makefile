# The two commands of the README: `make demo` and `make test`.
# Both bootstrap what they need (Debian packages as root, .venv, Python packages).

VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8600
# Two workers, a test file each at a time (a file's fixtures stay in one process):
# most tests wait on servers and sockets, so both cores are used; PYTEST_ARGS= runs serially.
PYTEST_ARGS ?= -n 2 --dist loadfile

.PHONY: demo test bootstrap lint typecheck pytest lock clean help bench-sync bench-release bench-kiosk bench-boards soak

help:
	@echo "make demo   run the chain: demo county site, sync into the store, scheduler"
	@echo "make test   ruff, mypy and pytest"
	@echo "make bench-sync   benchmark the sync against the demo county"
	@echo "make bench-release  benchmark release propagation to N kiosks (AGENTS=200)"
	@echo "make bench-kiosk  benchmark the kiosk app: start, search, scrolling, memory (Xvfb)"
	@echo "make bench-boards benchmark LED board programs: a day for 500 boards, one frame"
	@echo "make soak   whole-chain fault soak (SOAK_S=600 seconds, KIOSKS=20); prints its figures"
	@echo "make lock   re-resolve requirements/dev.lock from pyproject.toml"

bootstrap:
	@deploy/bootstrap.sh

demo: bootstrap
	PORT=$(PORT) deploy/demo.sh

test: bootstrap lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

bench-sync: bootstrap
	$(BIN)/python bench/bench_sync.py

AGENTS ?= 200
bench-release: bootstrap
	$(BIN)/python bench/bench_release.py --agents $(AGENTS)

bench-kiosk: bootstrap
	$(BIN)/python bench/bench_kiosk.py

BOARDS ?= 500
bench-boards: bootstrap
	$(BIN)/python bench/bench_boards.py --boards $(BOARDS)

# The whole-chain fault soak (issue 12): not part of `make test` (a 20 s smoke of it is).
SOAK_S ?= 600
KIOSKS ?= 20
soak: bootstrap
	SOAK_S=$(SOAK_S) KIOSKS=$(KIOSKS) $(BIN)/python bench/soak.py

# Needs uv (pip install uv); hashes make installs reproducible and tamper-evident.
lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
