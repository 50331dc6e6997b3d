# The two commands of the README: `make book` and `make test`. Each sets up what it needs.
# Other targets: lab (JupyterLab on the chapters), bench (build timings), clean, distclean.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book html test lab bench clean distclean system-book system-test

book: system-book $(STAMP)
	$(PY) -m iranbook.build

# The HTML site alone (no LaTeX), for a quick look while writing.
html: $(STAMP)
	$(PY) -m iranbook.build --no-pdf

test: system-test $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) chapters/

bench: system-book $(STAMP)
	$(PY) -m iranbook.bench

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

system-book:
	@tools/system-deps.sh book

system-test:
	@tools/system-deps.sh test

clean:
	rm -rf _build chapters/_chart_data .pytest_cache

distclean: clean
	rm -rf $(VENV)
