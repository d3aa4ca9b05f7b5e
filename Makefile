# Co-production in Practice: one Makefile for learners, trainers and CI.
# Every target bootstraps .venv first, so `make lab` and `make test` work on a
# fresh machine with nothing but Python 3.11+ installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.8
STAMP  := $(VENV)/.installed
# Jupyter refuses to run as root unless told; CI and these machines run as root.
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: labextension install browser sandbox sandbox-if-root postgres hub bench-hub lab start-again progress cpd book release lock test test-fast bench bench-tests clean help

help:
	@echo "make lab      start JupyterLab on the course (installs first if needed)"
	@echo "make start-again EXERCISE=ladder   start an exercise again (your old copy is kept, dated)"
	@echo "make progress  write my-work/my-progress.html: which parts of your exercises pass now"
	@echo "make cpd NAME=\"Sam Jones\"   write your CPD record (HTML and PDF) from your work and reflections"
	@echo "make test     run every test: code, notebooks, nbgrader, book"
	@echo "make book     build the web book into book/_build/html"
	@echo "make hub LEARNERS=ada,ben   try the course on JupyterHub on this machine (trainer: trainer)"
	@echo "make release  regenerate exercises/ from solutions/ (nbgrader)"
	@echo "make labextension  rebuild the course's JupyterLab extension after editing labextension/"
	@echo "make bench    run the benchmarks"
	@echo "make bench-hub   measure this machine as a hub: learners served, memory, the trainer's loop"
	@echo "make bench-tests  time make test and make test-fast (runs every test twice)"
	@echo "make postgres install PostgreSQL's server programs for the PostgreSQL gradebook (as root with apt-get)"
	@echo "make sandbox  install bubblewrap for sandboxed cohort grading (as root with apt-get)"
	@echo "make lock     re-resolve requirements.lock from pyproject.toml"

install: $(STAMP) sandbox-if-root

# Re-installs only when the lock or the package metadata changed.
AXE_DIR := tests/browser/axe

HUB_DIR := deploy/hub

$(STAMP): requirements.lock pyproject.toml $(AXE_DIR)/package-lock.json $(HUB_DIR)/package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --no-deps -e .
	@# The course's JupyterLab extension (answer forms, calm checks), prebuilt in the package:
	@# an editable install leaves out data files, so JupyterLab is shown where it is.
	@mkdir -p $(VENV)/share/jupyter/labextensions
	@ln -sfn $(CURDIR)/src/coproduction/labextension $(VENV)/share/jupyter/labextensions/coproduction-jupyterlab
	@# Kernels read answer cells as typed from their first cell (scripts/ipython/).
	@mkdir -p $(VENV)/etc/ipython
	@ln -sfn $(CURDIR)/scripts/ipython/ipython_kernel_config.py $(VENV)/etc/ipython/ipython_kernel_config.py
	@# Jupyter servers serve the book's references and glossary to that extension (coproduction.lab).
	@mkdir -p $(VENV)/etc/jupyter/jupyter_server_config.d
	@ln -sfn $(CURDIR)/scripts/jupyter-server/coproduction-lab.json $(VENV)/etc/jupyter/jupyter_server_config.d/coproduction-lab.json
	@# axe-core for the browser tests' accessibility checks (pinned in the lock file).
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix $(AXE_DIR) --no-audit --no-fund --silent; \
	else echo "npm not found: the browser tests' accessibility checks need it (apt-get install npm)"; fi
	@# JupyterHub's proxy, for the course's hub (make hub, the hub test).
	@if command -v npm >/dev/null 2>&1; then npm ci --prefix $(HUB_DIR) --no-audit --no-fund --silent; fi
	@touch $@

# rfc3987-syntax (and lark, which only it needs) is left out: jsonschema imports it,
# if installed, to check the "iri" format, which no Jupyter or course schema uses,
# and it builds eight Earley parsers at import: 2.2 s in every process that imports
# nbformat (each Jupyter server, nbgrader and coproduction command, grading host).
# jsonschema works without it (python-jsonschema/jsonschema#1428).
lock: $(VENV)/bin/python
	$(BIN)/uv pip compile pyproject.toml --extra course --extra hub --extra dev \
		--universal --python-version 3.11 --no-header \
		--no-emit-package rfc3987-syntax --no-emit-package lark -o requirements.lock

lab: install
	@JUPYTER_PORT="$(JUPYTER_PORT)" PORT="$(PORT)" bash scripts/lab.sh $(ROOT_FLAG)

# The learner's commands (progress, cpd, start-again), shared with a hub's copies of the course.
PY := $(BIN)/python
include scripts/learner.mk
start-again progress: install
cpd: install browser

book: install
	$(BIN)/python -m coproduction.book build

# The course on JupyterHub on this machine, for a trial (see deploy/hub/): make hub LEARNERS=ada,ben
hub: install
	$(BIN)/python -m coproduction.hub.server --learners "$(LEARNERS)" $(if $(PORT),--port $(PORT))

release: install
	$(BIN)/python -m coproduction.release

# Rebuild the course's JupyterLab extension (labextension/src) into the package, where
# it is committed: learners and CI install it without Node.js. Needs npm (the registry).
LAB_STAGING = $(shell $(BIN)/python -c "import jupyterlab, pathlib; print(pathlib.Path(jupyterlab.__file__).parent / 'staging')")
labextension: install
	npm ci --prefix labextension --no-audit --no-fund --silent
	cd labextension && node node_modules/@jupyterlab/builder/lib/build-labextension.js --core-path "$(LAB_STAGING)" .
	cd labextension && sha256sum src/index.js style/index.css > ../src/coproduction/labextension/source.sha256

# The browser tests drive Debian's Chromium. As root with apt-get (CI, these
# machines) it is installed here; elsewhere the tests say how to get it.
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium not found at $(CHROMIUM): install it (sudo apt-get install chromium) for the browser tests,"; \
	    echo "or run COPRODUCTION_SKIP_BROWSER=1 make test to skip them."; \
	  fi; }

# Cohort grading runs learners' code inside bubblewrap. As root with apt-get it
# is installed (quietly, by every install); `make sandbox` also says how to get
# it elsewhere, and `coproduction autograde` warns whenever it is missing.
sandbox-if-root:
	@command -v bwrap >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null; } || true

sandbox: sandbox-if-root
	@command -v bwrap >/dev/null 2>&1 || \
	  echo "bubblewrap not found: cohort grading needs it for its sandbox (sudo apt-get install bubblewrap)."

# The PostgreSQL gradebook's tests start a server of their own from Debian's
# programs; as root with apt-get they are installed here (no system cluster).
postgres:
	@bash scripts/install-postgres.sh

# Tests run in parallel, one worker per core (TEST_WORKERS=0 runs them in one
# process); tests sharing an expensive fixture stay on one worker, and the longest
# groups start first in the order tests/conftest.py's FIRST_GROUPS gives. make test
# ends with its 30 slowest steps, so what to speed up next is always in view.
TEST_WORKERS ?= auto
PARALLEL := -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

test: install browser sandbox postgres
	$(BIN)/python -m pytest $(PARALLEL) --durations=30

# The everyday loop: everything but notebooks, nbgrader, the book and the browser.
test-fast: install
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow"

bench: install browser sandbox postgres
	$(BIN)/python -m benchmarks

# Times make test and make test-fast, in parallel and in one process (runs the whole suite twice).
bench-tests: install browser sandbox postgres
	$(BIN)/python -m benchmarks.suite

# How many learners one machine serves as a hub, and the trainer's loop through the exchange (minutes).
bench-hub: install sandbox postgres
	$(BIN)/python -m benchmarks.hub

clean:
	rm -rf book/_build .pytest_cache
