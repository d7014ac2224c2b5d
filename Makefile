# The two set-up commands of the README: `make demo` and `make test`.
# Both create .venv (Python 3.12, see .python-version) and install the toolkit on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
OFFLINE := HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1

.PHONY: setup demo test lint clean

# A light install: bertalign declares torch and sentence-transformers (~5 GB with CUDA), which
# the default encoder never loads, so bertalign and the toolkit are installed with --no-deps and
# everything else from pyproject.toml's lists (scripts/requirements.py). For LaBSE and other
# sentence-transformers models: `$(BIN)/pip install -e '.[st]'`.
$(VENV)/.installed: pyproject.toml scripts/requirements.py
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python >= 3.12 is needed (bertalign requires it); install 3.12 or run with PY=python3.12")'
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/python scripts/requirements.py dev > $(VENV)/requirements.txt
	$(BIN)/pip install -q -r $(VENV)/requirements.txt
	$(BIN)/pip install -q --no-deps $$($(BIN)/python scripts/requirements.py --no-deps) -e .
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(OFFLINE) $(BIN)/align run corpora/seed --out out/seed

test: setup
	sh scripts/ensure_chromium.sh
	$(OFFLINE) $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check align scripts tests notebooks
	$(BIN)/ruff format --check align scripts tests notebooks

clean:
	rm -rf out .pytest_cache
