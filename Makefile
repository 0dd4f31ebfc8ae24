# stance: `make` prints this help. The README's two commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
MODEL  := models/stance
SEED   ?= seeds/000_cab028f7baf9d51c.txt
DATASETS ?= $(or $(STANCE_DATASETS),../shared/datasets)

.DEFAULT_GOAL := help
.PHONY: help setup run train predict evaluate test bench clean

help: ## Show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) (set PYTHON=...)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dask]'
	@touch $@

setup: $(STAMP) ## Create .venv and install stance with its test tools and the Dask extra

$(MODEL)/metadata.json: $(STAMP) $(wildcard labels/*.csv) $(wildcard stance/*.py) $(wildcard stance/*.csv) stance/words.txt $(wildcard seeds/*.txt)
	STANCE_DATASETS=$(DATASETS) $(BIN)/stance train --out $(MODEL)

train: $(MODEL)/metadata.json ## Train the default model (only when labels or code changed)

predict: train ## Score one seed article sentence by sentence (SEED=file)
	$(BIN)/stance predict $(SEED) --format table

run: predict ## Set everything up, train the default model and score a seed article

evaluate: train ## Grouped cross-validation report against baselines (writes models/stance/evaluation.html)
	STANCE_DATASETS=$(DATASETS) $(BIN)/stance evaluate --model $(MODEL)

test: $(STAMP) ## Run the tests
	$(BIN)/python -m pytest

BENCHES := cold_start throughput train_time solver transfer holders emergent stream
STREAM_MB ?= 1024

bench: train ## Run the benchmarks in bench/ (stream scores a generated STREAM_MB file: about 10 min for 1 GB)
	@for b in $(BENCHES); do echo "== bench/$$b.py"; \
	  $(BIN)/python bench/$$b.py $$( [ $$b = stream ] && echo --size-mb $(STREAM_MB) ) || exit 1; done

clean: ## Remove the virtual environment and built models
	rm -rf $(VENV) $(MODEL) models/.stance.* *.egg-info
