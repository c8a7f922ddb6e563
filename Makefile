# `make run` and `make test` do all their own set-up: a virtualenv, the pinned
# packages, the database. Nothing else needs to be installed by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app avvikelse
PORT ?= 5000
export PORT

.PHONY: run test setup db clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/.installed

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo

run: db
	@echo
	@echo "Avvikelse körs på http://127.0.0.1:$(PORT)  (webb och bakgrundsarbete; Ctrl-C stoppar allt)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho -f Procfile.dev start --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance .pytest_cache
