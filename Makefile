# `make run` and `make test` do all their own set-up: a virtualenv, the pinned
# packages, the database. Nothing else needs to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app avvikelse
PORT ?= 5000
export PORT

.PHONY: run run-prod test lint bench setup db clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# The English catalogue is compiled from the committed .po (the .mo is a build product).
MO := translations/en/LC_MESSAGES/messages.mo
$(MO): translations/en/LC_MESSAGES/messages.po $(BIN)/.installed
	$(BIN)/pybabel compile -d translations

setup: $(BIN)/.installed $(MO)

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: db
	@echo
	@echo "Avvikelse körs på http://127.0.0.1:$(PORT)  (webb och bakgrundsarbete; Ctrl-C stoppar allt)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho -f Procfile.dev start --port $(PORT)

# Static checks (rule sets pinned in pyproject.toml); `make test` runs them first.
lint: setup
	$(BIN)/ruff check avvikelse workers tests config.py setup.py
	$(BIN)/bandit -q -c pyproject.toml -r avvikelse workers config.py setup.py --severity-level medium
	$(BIN)/lint-imports

# The whole suite on SQLite (with the real-server integration tests) and, at the same
# time, once more on a PostgreSQL server the fixtures start on a free port. Each pytest
# uses one core, so on a 2-core machine the two runs side by side take about as long as
# the longer one. The PostgreSQL run's output is printed when it ends; either run
# failing fails the target.
PG_LOG := instance/test-postgresql.log
test: setup lint
	@mkdir -p instance
	@TEST_DB=postgresql $(BIN)/python -m pytest -m "not integration and not once" -p no:cacheprovider --durations=15 $(PYTEST_ARGS) \
		> $(PG_LOG) 2>&1 & pg=$$!; \
	echo "PostgreSQL-körningen går samtidigt (utskrift i $(PG_LOG))"; \
	$(BIN)/python -m pytest --durations=15 $(PYTEST_ARGS); sqlite=$$?; \
	wait $$pg; postgresql=$$?; \
	echo; echo "=== PostgreSQL ($(PG_LOG)) ==="; cat $(PG_LOG); \
	echo "SQLite: exit $$sqlite, PostgreSQL: exit $$postgresql"; \
	test $$sqlite -eq 0 && test $$postgresql -eq 0

# The production stack (Procfile) on a local PostgreSQL and Redis from Debian's packages.
run-prod: setup
	scripts/run-prod

bench: setup
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m bench

clean:
	rm -rf $(VENV) instance .pytest_cache
