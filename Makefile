# The two commands of the README: `make run` and `make test`. Everything installs into .venv
# from the lock files, so a fresh clone needs nothing but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install install-test check-examples bench lock clean

run: install
	$(BIN)/python -m service.demo

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python requirements.lock pyproject.toml hatch_build.py $(wildcard service/locale/*/LC_MESSAGES/*.po)
	$(PIP) install -r requirements.lock
	# --no-build-isolation: the build backend comes from the lock, so no unlocked download.
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(PIP) install -r requirements-test.lock
	touch $@

bench: install
	$(BIN)/python bench/check.py

# Rebuild the lock files from the ranges in pyproject.toml (needs network).
lock:
	rm -rf /tmp/jiugai-lock && $(PYTHON) -m venv /tmp/jiugai-lock
	/tmp/jiugai-lock/bin/pip install -q . hatchling
	/tmp/jiugai-lock/bin/pip freeze --exclude jiugai --exclude pip > requirements.lock.new
	@echo "review requirements.lock.new and move it into place"

clean:
	rm -rf $(VENV) var build dist *.egg-info
