# Two commands: `make run` brings up the whole stack, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Every package pinned, with hashes, for Python 3.11 on Linux: the image installs the first, this
# checkout's .venv the second (runtime + dev + embedded). `make lock` writes both.
LOCK     := requirements.lock
DEV_LOCK := requirements-dev.lock
UV_VERSION ?= 0.13.9

.PHONY: run test lint bench install clean lock

# Installs again only when pyproject.toml or the dev lock has changed.
$(STAMP): pyproject.toml $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing the pinned packages of $(DEV_LOCK) into $(VENV) (about a minute the first time)"
	$(BIN)/python -m pip install --progress-bar on --no-deps --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/zhuchka dev

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .

bench: $(STAMP)
	$(BIN)/python -m bench

# Resolves pyproject.toml again with uv (in a throwaway virtualenv), keeping the current pins
# where they still fit; `make lock UPGRADE=--upgrade` moves every package to its newest release.
# The runtime lock is resolved within the dev lock, so the image runs what the tests ran.
UV_COMPILE = --quiet --python-version 3.11 --python-platform linux --generate-hashes \
	--custom-compile-command 'make lock' $(UPGRADE)
lock:
	tools=$$(mktemp -d) && trap 'rm -rf "$$tools"' EXIT && \
	$(PYTHON) -m venv "$$tools" && \
	"$$tools/bin/python" -m pip install --quiet uv==$(UV_VERSION) && \
	"$$tools/bin/uv" pip compile $(UV_COMPILE) --extra dev -o $(DEV_LOCK) pyproject.toml && \
	"$$tools/bin/uv" pip compile $(UV_COMPILE) -c $(DEV_LOCK) -o $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) .zhuchka build *.egg-info
