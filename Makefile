# The two set-up commands in the README are `make serve` and `make test`; both create .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test load docs context template serve bench clean yasgui

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
test: $(STAMP)
	$(BIN)/python -m pytest -ra $(PYTEST_ARGS)

# The load test: concurrent clients against a served store (LOAD_CLIENTS, LOAD_SECONDS bound it).
load: $(STAMP)
	$(BIN)/python -m pytest -ra -m load -s $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/peersupport docs --output build/docs

context: $(STAMP)
	$(BIN)/peersupport context --output ontology/context.jsonld

template: $(STAMP)
	$(BIN)/peersupport template --output data/templates

serve: $(STAMP)
	$(BIN)/peersupport serve --host 127.0.0.1 --port 8000

# Benchmarks (not part of make test): BENCH_SIZES (1e4,1e5,1e6), BENCH_REPEAT, BENCH_CAP...; see python -m bench --help.
# The report is printed and written to bench/results.md.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench

# The query editor's files, vendored from npm (see service/peersupport/web/static/yasgui/README.md).
YASGUI_VERSION ?= 4.6.2
yasgui:
	tools/vendor_yasgui.sh $(YASGUI_VERSION)

clean:
	rm -rf $(VENV) build .pytest_cache
