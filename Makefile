# Two commands on a fresh machine: `make dev` (the whole system on :3000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# Like Lambda, which puts the layer's python/ on the path: the layer's package, then the project.
export PYTHONPATH := $(CURDIR)/layers/checkout:$(CURDIR)

.PHONY: bootstrap dev dev-reset test unit integration lint bench invoke pay lock clean

bootstrap: $(PY_STAMP) $(NODE_STAMP)

$(PY_STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## make dev: DynamoDB Local + gateway + stream poller + scheduler on http://127.0.0.1:$${PORT:-3000}
dev: bootstrap
	exec $(PY) -m devstack

## make dev-reset: wipe the local stack's persisted data
dev-reset:
	rm -rf .devstack

## make test: lint, type-check, template lint, unit tests (moto), integration and devstack tests (DynamoDB Local)
test: bootstrap lint
	$(PY) -m pytest

unit: bootstrap
	$(PY) -m pytest tests/unit

integration: bootstrap
	$(PY) -m pytest tests/integration

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy layers/checkout/checkout functions devstack bench tests
	$(VENV)/bin/cfn-lint template.yaml

## make bench: cold-start and request-cost ratios, sustained requests/s and stream lag (goals and verdicts)
bench: bootstrap
	$(PY) -m bench

## make invoke FN=create_checkout_session EVENT=events/create_checkout_session.json
invoke: bootstrap
	$(PY) -m devstack.invoke $(FN) $(or $(EVENT),events/$(FN).json) $(ARGS)

## make pay ORDER=<order id> [ARGS=--fail]: simulate the payment watcher against `make dev`
pay: $(PY_STAMP)
	$(PY) -m devstack.pay $(ORDER) $(ARGS)

## make lock: re-pin every Python dependency after editing pyproject.toml
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > .lock-venv/requirements.in
	.lock-venv/bin/pip install --quiet -r .lock-venv/requirements.in
	{ echo "# Pinned, complete dependency set (runtime + dev). Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze; } > requirements.lock
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
