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

.PHONY: run history test lint bench load install clean lock web web-dev web-client chromium ops-tools screenshots

# Installs again only when pyproject.toml or the dev lock has changed.
$(STAMP): pyproject.toml $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing the pinned packages of $(DEV_LOCK) into $(VENV) (about a minute the first time)"
	$(BIN)/python -m pip install --progress-bar on --no-deps --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# The web app (web/): its packages from package-lock.json with the virtualenv's Node, built
# into web/dist only when a source changed (the API serves it at /).
NPM       := PATH="$(abspath $(BIN)):$$PATH" npm --prefix web
WEB_STAMP := web/node_modules/.installed
WEB_BUILD := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json web/package-lock.json

$(WEB_STAMP): web/package-lock.json | $(STAMP)
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(WEB_STAMP)

$(WEB_BUILD): $(WEB_STAMP) $(WEB_SOURCES)
	@echo "Building the web app (web/dist)"
	$(NPM) run build --silent

web: $(WEB_BUILD)

# Vite's dev server on :5173 with hot reload, /api proxied to the API of `make run`.
web-dev: $(WEB_STAMP)
	$(NPM) run dev

# The typed client (web/src/api/schema.d.ts) generated again from the API's OpenAPI document.
web-client: $(WEB_STAMP)
	$(BIN)/zhuchka openapi > web/openapi.json
	$(NPM) run client --silent -- openapi.json -o src/api/schema.d.ts
	rm web/openapi.json

run: $(STAMP) $(WEB_BUILD)
	$(BIN)/zhuchka dev

# A year of workshop history for the analytics, into the stack `make run` keeps up (once).
history: $(STAMP)
	$(BIN)/zhuchka seed --history 365

# The browser tests drive the system's Chromium (Debian's package; no browser download).
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends chromium >/dev/null; }

# The ops tests run Debian's promtool, Alertmanager and Caddy (installed when missing, as root)
# and kubectl 1.21 or later (its kustomize; this machine's cloud SDK has one, as do CI runners).
ops-tools:
	@{ command -v promtool && command -v caddy \
	  && { command -v alertmanager || command -v prometheus-alertmanager; }; } >/dev/null || { \
	  echo "Installing Debian's prometheus, prometheus-alertmanager and caddy for the ops tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends prometheus prometheus-alertmanager caddy >/dev/null; }

test: $(STAMP) $(WEB_BUILD) chromium ops-tools
	$(NPM) test --silent
	$(BIN)/python -m pytest -q --cov --cov-report=html:build/coverage --cov-report=
	@echo "Coverage (lines and branches): $$($(BIN)/coverage report --format=total) % in all," \
	  "$$($(BIN)/coverage report --format=total --include='domain/*') % of domain/;" \
	  "the report: build/coverage/index.html"

# The README's screenshots, taken by the browser tests.
screenshots: $(STAMP) $(WEB_BUILD) chromium
	mkdir -p docs/screenshots
	ZHUCHKA_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/e2e/browser

lint: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy .
	$(NPM) run lint --silent

bench: $(STAMP)
	$(BIN)/python -m bench

# The whole API under a morning's mix of requests (locust, 50 people for 60 s) on a private stack.
load: $(STAMP)
	$(BIN)/python -m bench.load

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
	rm -rf $(VENV) .zhuchka build *.egg-info web/node_modules web/dist
