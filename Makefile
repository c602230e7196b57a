# Two commands for a fresh machine with Python 3.11 (see README):
#   make build   — set up .venv and build graph/
#   make test    — set up .venv (with test extras and system tools) and run the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: build test setup system-deps docs bench clean-venv

$(BIN)/rightsgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/rightsgraph

build: setup
	$(BIN)/rightsgraph build -v

# HermiT (the OWL reasoner the ontology test runs through owlready2) needs a Java runtime.
system-deps:
	@command -v java >/dev/null 2>&1 || { \
	  echo "installing a Java runtime for the HermiT reasoner"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq default-jre-headless >/dev/null; fi; }

test: setup system-deps
	$(BIN)/pytest

docs: setup
	$(BIN)/rightsgraph docs

bench: setup
	$(BIN)/python bench/accuracy.py

clean-venv:
	rm -rf $(VENV)
