# Fresh machine: only Python >= 3.11 and make are needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: demo test bench install install-test clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(VENV)/bin/frontdesk --demo

test: install-test
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

bench: install-test
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) dist build .pytest_cache snapshot_report.html
