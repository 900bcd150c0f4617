# The two commands of the README: `make run` and `make test`. Everything installs into .venv
# from the lock files, so a fresh clone needs nothing but Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test install install-test bench lock clean messages templates samples wheelhouse

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

bench: install-test
	$(BIN)/python bench/check.py
	$(BIN)/python bench/render.py
	$(BIN)/python bench/bag.py

# Extract the messages marked in the code and merge them into both catalogues.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -o service/locale/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i service/locale/messages.pot -d service/locale --no-fuzzy-matching

# Rebuild the Word templates from service/render/layouts.py.
templates: install
	$(BIN)/python templates/build.py

# Every document of the examples and valid fixtures as DOCX, PDF and PNG pages, in var/samples/.
samples: install
	$(BIN)/python -m service.samples var/samples

# Every locked dependency as a wheel, and jiugai's own, in wheelhouse/: an office network with no
# internet installs from that folder alone (see docs/deployment.md).
wheelhouse: install
	rm -rf wheelhouse
	$(PIP) wheel --no-deps -w wheelhouse -r requirements.lock
	$(PIP) wheel --no-deps --no-build-isolation -w wheelhouse .
	cp requirements.lock wheelhouse/
	@echo "wheelhouse/: $$(ls wheelhouse/*.whl | wc -l) wheels"

# Rebuild the lock files from the ranges in pyproject.toml (needs the package index).
lock:
	rm -rf /tmp/jiugai-lock && $(PYTHON) -m venv /tmp/jiugai-lock
	/tmp/jiugai-lock/bin/pip install -q hatchling editables babel
	/tmp/jiugai-lock/bin/pip install -q --no-build-isolation -e '.[test]'
	/tmp/jiugai-lock/bin/python tools/lock.py

clean:
	rm -rf $(VENV) var build dist *.egg-info
