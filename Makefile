# Rahnuma: `make run` serves on http://$(HOST):$(PORT); `make test` runs the tests.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: setup index run test lint validate eval-retrieval eval-citizen bench calibrate screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# the CPU build of torch that lies on disk, first, so nothing pulls a multi-GB CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[dev,transformers]'
	touch $(STAMP)

setup: $(STAMP)

validate: setup
	$(BIN)/rahnuma corpus validate

index: setup
	$(BIN)/rahnuma index --if-stale

run: index
	HOST=$(HOST) PORT=$(PORT) $(BIN)/rahnuma serve --host $(HOST) --port $(PORT)

test: setup validate
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check bot retrieval models api eval tests scripts
	$(BIN)/mypy bot retrieval models api eval

eval-retrieval: setup
	$(BIN)/python -m eval.retrieval_bench

eval-citizen: index
	$(BIN)/rahnuma eval citizen --split test

# refit the message/section classifiers, then the confidence model that stacks them
calibrate: index
	$(BIN)/rahnuma train-intent
	$(BIN)/rahnuma calibrate

bench: setup
	$(BIN)/python -m eval.bench

screenshots: index
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf var reports/*.png
