# Every target runs inside a local virtualenv (.venv) that the first target creates.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install check site zensical serve test lint bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: $(STAMP) ## Create .venv and install the project with its test tools

check: $(STAMP) ## Parse content/raw and report every problem (fails on any)
	$(BIN)/python -m generator check content/raw --strict

site: $(STAMP) ## Build the archive of content/raw into site/
	$(BIN)/python -m generator build

zensical: $(STAMP) ## Build the archive into site/ with Zensical instead of MkDocs (docs/commands.md)
	$(BIN)/python -m generator build --engine zensical

serve: $(STAMP) ## Build and preview the archive at http://127.0.0.1:8000
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve

test: $(STAMP) ## Run every test (lint, unit, corpus, site, browser)
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP) ## Parse + merge throughput on 100,000 synthetic papers (the other benchmarks: docs/development.md)
	$(BIN)/python benchmarks/bench_parse.py

clean: ## Remove the build output and generated pages
	rm -rf site .cache content/papers content/dates content/tags content/orgs content/stats content/index.md content/search.md content/list.md content/feed.xml content/papers.json
