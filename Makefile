# Every target bootstraps its own virtual environment, so a fresh clone needs only
# Python 3.11 and the package registries.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench lock clean lint web

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bagalau demo

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The web console on a demo database, at its simulated day; prints the sign-ins.
web: $(STAMP)
	$(BIN)/bagalau web --demo

bench: $(STAMP)
	$(BIN)/python -m bench

# Re-pin everything beneath the project after changing a pin in pyproject.toml.
lock: $(STAMP)
	{ echo "# Every package beneath the project, pinned to the set that installed and ran together"; \
	  echo "# on Python 3.11. Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Lint: ruff (rules, imports and the format) and mypy over the product's packages.
PRODUCT   := bagalau flows services notifications states orgimport models methodology web

lint: $(STAMP)
	$(BIN)/ruff check $(PRODUCT)
	$(BIN)/ruff format --check $(PRODUCT) tests/test_layers.py
	$(BIN)/mypy $(addprefix -p ,$(PRODUCT))
