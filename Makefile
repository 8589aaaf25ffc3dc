# oppgjor — two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export OPPGJOR_DATABASE_URL ?= sqlite:///$(CURDIR)/var/oppgjor.db

.PHONY: run test lint bench soak install clean codes

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/oppgjor demo seed --if-empty
	$(BIN)/oppgjor overview
	$(BIN)/oppgjor practitioner list
	$(BIN)/oppgjor patient-overview P0001 --limit 10
	$(BIN)/oppgjor demo helfo-flow --folder $(CURDIR)/var/helfo
	$(BIN)/oppgjor settlement list
	$(BIN)/oppgjor claim waiting --limit 5
	$(BIN)/oppgjor helfo calendar
	$(BIN)/oppgjor isf demo --year 2020 --records 10000 --output $(CURDIR)/var/isf/aktivitet-2020.csv
	$(BIN)/oppgjor isf compute --year 2020 --input $(CURDIR)/var/isf/aktivitet-2020.csv \
		--output $(CURDIR)/var/isf/poster-2020.csv --summary $(CURDIR)/var/isf/sammendrag-2020.csv
	$(BIN)/oppgjor isf deadlines --year 2022
	$(BIN)/oppgjor demo serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts soak
	$(BIN)/ruff format --check src tests bench scripts soak
	$(BIN)/mypy
	$(BIN)/mypy soak
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q -n auto --dist loadgroup

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_queries.py
	$(BIN)/python bench/bench_settlement.py
	$(BIN)/python bench/bench_messages.py
	$(BIN)/python bench/bench_isf.py
	$(BIN)/python bench/bench_api.py

# the reliability suite (issue 11): kill -9, races, malformed input; prints its figures and
# fails when one that must be zero is not. PostgreSQL too when OPPGJOR_TEST_POSTGRES_URL is set.
soak: $(STAMP)
	OPPGJOR_SOAK=1 $(BIN)/pytest -q tests/crash
	$(BIN)/python -m soak

codes:
	$(PYTHON) scripts/build_codes.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
