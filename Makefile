# The two commands of the README: `make book` and `make test`. Each sets up what it needs.
# Other targets: check (data validation and unit tests, no build: seconds), html (the site
# alone), lab (JupyterLab on the chapters), bench (timings and page weights), clean, distclean.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
AXE    := tools/axe/node_modules/.installed
# The build and the tests run with the network unplugged (see tools/offline.sh); only the
# set-up steps (pip, npm, apt-get) reach the package registries.
OFFLINE := tools/offline.sh
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: book html test check lint lab bench clean distclean system-book system-test

book: system-book $(STAMP)
	$(OFFLINE) $(PY) -m iranbook.build

# The HTML site alone (no LaTeX), for a quick look while writing.
html: $(STAMP)
	$(OFFLINE) $(PY) -m iranbook.build --no-pdf

# Two workers, one test file (or notebook) each at a time: the change tests run in order in one
# worker, a notebook's cells in one kernel; the shared builds are made once (tests/conftest.py).
# (Three workers on the two cores took longer: 392 s against 367 s.)
# The test run, like the build, puts src/iranbook/_buildpath first on the path of every process it
# starts (nbval's kernels, JupyterLab, the builds): jsonschema then skips compiling an optional IRI
# checker the book never uses (1.3 s a process). --durations lists the slowest tests.
test: system-test $(STAMP) $(AXE) lint
	PYTHONPATH=$(CURDIR)/src/iranbook/_buildpath $(OFFLINE) $(PY) -m pytest -n 2 --dist loadfile --durations=15

# The authoring checks of .pre-commit-config.yaml (ruff lint and format, nbstripout, codespell) on
# every file; a hook that changes a file fails the run (commit what it changed).
lint: $(STAMP)
	$(OFFLINE) $(VENV)/bin/pre-commit run --all-files --show-diff-on-failure

# The fast lane: the data package validated and the tests that need no build, no browser and
# no notebook execution.
check: $(STAMP)
	$(OFFLINE) $(PY) -m iranbook.data
	$(OFFLINE) $(PY) -m pytest tests -m "not build and not browser" -q -n 2 --dist loadfile

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=$(CURDIR) $(if $(filter 0,$(shell id -u)),--allow-root) chapters/

# BENCH_ARGS: --runs 3 for medians of three runs, --with-tests to time `make test` too.
bench: system-book $(STAMP)
	$(OFFLINE) $(PY) -m iranbook.bench $(BENCH_ARGS)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

# axe-core, the accessibility engine tests/test_accessibility.py injects into chromium.
$(AXE): tools/axe/package.json tools/axe/package-lock.json
	npm ci --prefix tools/axe --no-audit --no-fund --loglevel=error
	touch $@

system-book:
	@tools/system-deps.sh book

system-test:
	@tools/system-deps.sh test

clean:
	rm -rf _build chapters/_chart_data .pytest_cache

distclean: clean
	rm -rf $(VENV) tools/axe/node_modules
