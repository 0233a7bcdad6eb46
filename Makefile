# Two commands do all set-up on a fresh machine:
#   make demo   - the main job: an offline plan of the demo stack (no cloud account needed)
#   make test   - lint and the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench bench-quick docs clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

# The demo's clusters live outside its stack: their facts are pinned so verify can prove each chain.
DEMO_PINS := --issuer https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE \
	--issuer https://eastus.oic.prod-aks.azure.com/11111111-1111-1111-1111-111111111111/4b2d6c0e-3a0b-4d35-9a67-1f1c8e7a2d10/ \
	--workload-pool payments-prod.svc.id.goog --project-number 123456789012

demo: $(STAMP)
	$(BIN)/pulumi-wid plan .
	$(BIN)/pulumi-wid verify . $(DEMO_PINS)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/bench.py --quick

clean:
	rm -rf $(VENV)
