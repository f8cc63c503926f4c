# kbassist: two commands on a fresh machine (Debian, Python 3.11, package registries only).
#   make run   ingest the bundled sample knowledge base and serve it on http://127.0.0.1:8000
#   make test  run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: run test lint typecheck venv clean

venv: $(BIN)/.installed

$(BIN)/.installed: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip -c constraints.txt
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $@

run: venv
	$(BIN)/kbassist ingest examples/kb
	$(BIN)/kbassist status
	-$(BIN)/kbassist replay examples/traffic/ledgerly.yaml --once
	$(BIN)/kbassist serve --host 127.0.0.1 --port 8000

test: venv
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf .kbassist
