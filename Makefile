# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-barometer
PORT ?= 8765

.PHONY: install demo test test-spark lint bench fuzz clean

$(BIN)/healthradar: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,spark]'
	touch $(BIN)/healthradar

install: $(BIN)/healthradar

demo: install
	$(BIN)/healthradar demo $(DEMO_DIR) --port $(PORT)

# The DuckDB suite, then the Spark parity tests (pyspark in local mode) when Java is installed.
test: install
	$(BIN)/python -m pytest
	@if command -v java >/dev/null 2>&1; then $(MAKE) --no-print-directory test-spark; \
	else echo "Spark parity tests NOT run: no Java runtime (apt-get install openjdk-17-jre-headless)"; fi

test-spark: install
	$(BIN)/python -m pytest -m spark

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/bench_emploi.py
	$(BIN)/python bench/bench_resolve.py
	$(BIN)/python bench/bench_inputs.py

# The readers' fuzz target with its long profile (thousands of examples; minutes).
fuzz: install
	HEALTHRADAR_FUZZ=long $(BIN)/python -m pytest tests/test_fuzz_readers.py -p no:cacheprovider

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache .mypy_cache .ruff_cache
