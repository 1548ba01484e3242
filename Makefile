# The two set-up commands: `make demo` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-instance
PORT ?= 5000

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## demo: install, create a demo instance from the UK kit (SQLite), serve it on 127.0.0.1:$(PORT)
demo: $(VENV)/.installed
	@test -f $(DEMO_DIR)/campaign.toml || $(BIN)/campaignkit init $(DEMO_DIR) --kit uk --name "Campaign Demo" --public-url http://127.0.0.1:$(PORT)
	$(BIN)/campaignkit --instance $(DEMO_DIR) db upgrade
	$(BIN)/campaignkit --instance $(DEMO_DIR) users create organiser@example.org --role organiser --generate-password --if-missing
	$(BIN)/campaignkit --instance $(DEMO_DIR) events demo --if-empty
	$(BIN)/campaignkit --instance $(DEMO_DIR) pledges demo
	$(BIN)/campaignkit --instance $(DEMO_DIR) run --host 127.0.0.1 --port $(PORT)

## test: install with the test extras and run the whole suite: spread over the machine's
## cores (pytest-xdist, TEST_WORKERS of them)
# worksteal: an idle worker takes queued tests from a busy one, so the run ends when the work does.
# One worker more than the cores this machine gives us: many tests wait on a server or a browser.
# --durations: the 25 slowest tests are listed at the end, so a test that grows slow is seen.
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(len(os.sched_getaffinity(0)) + 1)")

test: $(VENV)/.installed-test
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal --durations=25

## lint: ruff format check and lint
lint: $(VENV)/.installed-test
	$(BIN)/ruff format --check campaignkit tests $(wildcard bench scripts)
	$(BIN)/ruff check campaignkit tests $(wildcard bench scripts)

## bench: run the benchmarks (not part of the test run; bench/_*.py are their helpers)
bench: $(VENV)/.installed-test
	@for script in $(filter-out bench/_%,$(wildcard bench/*.py)); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
