# Two commands: `make run` starts the whole platform, `make test` runs the test suite.
# Both create .venv and install what they need on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# The suite runs on two pytest-xdist workers; `make test XDIST=` runs it in one process.
XDIST ?= -n 2

.PHONY: run test lint format install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python manage.py run_platform

# Without PYTEST_ARGS, as .ci/run does: everything but the integration tests on the xdist
# workers, then those (the drills among them time what they break) one at a time, so that
# no other test shares the CPUs with a drill's timings.
test: $(VENV)/.dev-installed
ifeq ($(strip $(PYTEST_ARGS)),)
	$(BIN)/python -m pytest $(XDIST) -m "not integration"
	$(BIN)/python -m pytest -m integration
else
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
endif

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles
