# Fresh machine: only Python >= 3.11 and make are needed.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# `make install`: one copy for every user of a clinic server (run as root)
PREFIX ?= /opt/frontdesk
BINDIR ?= /usr/local/bin
# install a built wheel instead of this checkout: make install WHEEL=dist/frontdesk-….whl
WHEEL  ?= .

.PHONY: demo test bench dev dev-test lint-imports install uninstall clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

dev: $(VENV)/.installed
dev-test: $(VENV)/.installed-test

demo: dev
	$(VENV)/bin/frontdesk --demo

# import-linter reads the package as it installs (tui/ as frontdesk, widgets/
# inside it), staged in .lint-tree
lint-imports: dev-test
	rm -rf .lint-tree && mkdir .lint-tree
	cp -r tui .lint-tree/frontdesk && cp -r widgets .lint-tree/frontdesk/widgets
	cd .lint-tree && PYTHONPATH=. ../$(VENV)/bin/lint-imports --config ../pyproject.toml --no-cache

test: lint-imports
	$(PY) -m pytest

bench: dev-test
	$(PY) benchmarks/run.py

# Install (or upgrade: the same command again) for every user: a venv in
# $(PREFIX), the command in $(BINDIR). Settings (/etc/xdg/frontdesk, each
# user's ~/.config/frontdesk) and audit logs (~/.local/share/frontdesk) are
# never touched.
install:
	test -x $(PREFIX)/bin/python || $(PYTHON) -m venv $(PREFIX)
	$(PREFIX)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade '$(WHEEL)'
	mkdir -p $(BINDIR)
	ln -sf $(PREFIX)/bin/frontdesk $(BINDIR)/frontdesk
	chmod -R a+rX $(PREFIX)
	@echo "frontdesk $$($(PREFIX)/bin/frontdesk --version | cut -d' ' -f2) installed in $(PREFIX); command: $(BINDIR)/frontdesk"

uninstall:
	rm -f $(BINDIR)/frontdesk
	rm -rf $(PREFIX)

clean:
	rm -rf $(VENV) dist build .lint-tree .pytest_cache snapshot_report.html *.egg-info
