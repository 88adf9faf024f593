# Two commands on a fresh machine: `make dev` (the whole system on :3000) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
UV := $(VENV)/bin/uv
NODE_STAMP := node_modules/.installed
# Deploy tools, each in its own venv (their boto3 pins clash with the runtime's and each other's).
SAM_VENV := .tools/sam
CHECKOV_VENV := .tools/checkov
SAM_STAMP := $(SAM_VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# The published SDK the sdk tier drives (tests/sdk), pinned by version and by the tarball's integrity.
SDK_VERSION := 0.1.70-alpha.5
SDK_INTEGRITY := sha512-YmWbhOglsuYSt1htkH+XZmAOLDfchV+apj5oEJJs7kth1NxVJ4fsk/ABhwpGVwOqqzScuPUb7OUZz3wvCX/7Xw==
SDK_DIR := .sdk
SDK_STAMP := $(SDK_DIR)/.installed-$(SDK_VERSION)
# sam build (BuildMethod python3.11) runs the venv's python3.11 and its pip; no Docker, no telemetry.
# The tools run without the project on PYTHONPATH (exported below for the project's own commands).
SAM := PYTHONPATH= PATH="$(CURDIR)/$(VENV)/bin:$$PATH" SAM_CLI_TELEMETRY=0 \
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(SAM_VENV)/bin/sam
CHECKOV := PYTHONPATH= $(CHECKOV_VENV)/bin/checkov
# Like Lambda, which puts the layer's python/ on the path: the layer's package, then the project.
export PYTHONPATH := $(CURDIR)/layers/checkout:$(CURDIR)

.PHONY: bootstrap dev dev-reset test unit contract functional template integration sdk fuzz browser screenshots lint \
	deploy-check sam-build deploy bench invoke pay lock clean api-key api-key-revoke openapi

bootstrap: $(PY_STAMP) $(NODE_STAMP)

# --require-hashes: a package whose bytes differ from what was locked (another index, a rebuilt wheel) is refused.
$(PY_STAMP): requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

# uv, not pip, installs them: pip's --require-hashes refuses a package locked with extras (boto3[crt])
# that another package also requires without them.
UV_INSTALL := $(UV) pip install --quiet --no-config --require-hashes --default-index https://pypi.org/simple
$(SAM_STAMP): requirements/sam.txt $(PY_STAMP)
	@test -x $(SAM_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(SAM_VENV)
	$(UV_INSTALL) --python $(SAM_VENV)/bin/python -r requirements/sam.txt
	@touch $@

$(CHECKOV_STAMP): requirements/checkov.txt $(PY_STAMP)
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv --without-pip $(CHECKOV_VENV)
	$(UV_INSTALL) --python $(CHECKOV_VENV)/bin/python -r requirements/checkov.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# `npm pack` of the pinned SDK (no install: nothing of it runs but what the test requires), refused
# unless its sha512 is the pinned integrity; only its platform module (which requires no other
# package) and package.json are kept, in the git-ignored .sdk/package.
$(SDK_STAMP):
	@rm -rf $(SDK_DIR) && mkdir -p $(SDK_DIR)/download
	npm pack @b3dotfun/sdk@$(SDK_VERSION) --pack-destination $(SDK_DIR)/download --ignore-scripts \
	  --loglevel=error >/dev/null
	@tarball=$(SDK_DIR)/download/b3dotfun-sdk-$(SDK_VERSION).tgz; \
	  got=$$(node -e 'const data = require("fs").readFileSync(process.argv[1]); \
	    console.log("sha512-" + require("crypto").createHash("sha512").update(data).digest("base64"))' "$$tarball"); \
	  if [ "$$got" != '$(SDK_INTEGRITY)' ]; then \
	    rm -rf $(SDK_DIR); \
	    echo "refused: @b3dotfun/sdk@$(SDK_VERSION) from npm does not match the pinned integrity"; \
	    echo "  pinned: $(SDK_INTEGRITY)"; \
	    echo "  got:    $$got"; \
	    exit 1; \
	  fi; \
	  tar -xzf "$$tarball" -C $(SDK_DIR) --no-same-owner package/package.json package/dist/cjs/anyspend/platform
	@rm -rf $(SDK_DIR)/download
	@echo "@b3dotfun/sdk@$(SDK_VERSION): integrity verified, platform module in $(SDK_DIR)/package"
	@touch $@

## make dev: DynamoDB Local + gateway + stream poller + scheduler on http://127.0.0.1:$${PORT:-3000}
dev: bootstrap
	exec $(PY) -m devstack

## make dev-reset: wipe the local stack's persisted data
dev-reset:
	rm -rf .devstack

## make test: lint, type-check, template lint, the deploy checks, then every tier (fastest first)
test: bootstrap $(SDK_STAMP) lint deploy-check
	$(PY) -m pytest

## the tiers one by one: unit (no AWS API, no socket), contract (fake and DynamoDB adapter alike),
## functional (handlers on moto), template, devstack (the local stack's own parts), integration (the
## local stack over HTTP), sdk (the published SDK's platform client against the local stack, with
## node), fuzz (schemathesis against the local stack with the OpenAPI document), browser (the hosted
## page in Debian's headless chromium: `apt-get install chromium chromium-driver`)
unit: $(PY_STAMP)
	time $(PY) -m pytest tests/unit

contract functional template: $(PY_STAMP)
	$(PY) -m pytest tests/$@

devstack integration fuzz: bootstrap
	$(PY) -m pytest tests/$@

sdk: bootstrap $(SDK_STAMP)
	$(PY) -m pytest tests/sdk

browser: bootstrap
	$(PY) -m pytest tests/browser

## make screenshots: the hosted page's states, as a 360 px phone shows them, into docs/screenshots/
screenshots: bootstrap
	$(PY) -m tests.browser.screenshots

lint: $(PY_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml

# The local stack's DynamoDB Local (a running `make dev`), as `make api-key` reaches it.
LOCAL_AWS := AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:$${DYNAMODB_PORT:-8000} AWS_ACCESS_KEY_ID=local \
	AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1

## make api-key [NAME=…] [PERMISSIONS=read|write|admin] [MERCHANT=acct_…]: a key on the local stack,
## printed alone on the last line (the only time it is shown); a new merchant is created on the way
api-key: $(PY_STAMP)
	@$(LOCAL_AWS) $(PY) -m checkout.admin create-key --table $${TABLE_NAME:-checkout} --prefix csk_test_ \
	  --name "$(or $(NAME),local)" --permission $(or $(PERMISSIONS),admin) --merchant $(or $(MERCHANT),acct_local)

## make api-key-revoke ID=key_…: revokes a key on the local stack (it stops working within a minute)
api-key-revoke: $(PY_STAMP)
	@$(LOCAL_AWS) $(PY) -m checkout.admin revoke-key "$(ID)" --table $${TABLE_NAME:-checkout}

## make deploy-check: what `sam deploy` would build, validated and scanned (no AWS account needed)
deploy-check: sam-build $(CHECKOV_STAMP)
	$(SAM) validate --lint --template-file template.yaml
	$(CHECKOV) --quiet --compact --skip-download --framework cloudformation --file template.yaml

## make sam-build: .aws-sam/build for arm64 without Docker, with bytecode (tests/template/test_built_handlers.py loads it)
# sam build ships sources only, and Lambda's filesystem is read-only: without .pyc files every cold start
# compiles every module it imports (docs/decisions.md, Cold start). Hash-checked bytecode: sam package dates
# every file 1980, which would void timestamp-based .pyc files; Python 3.11 here and on Lambda.
sam-build: $(SAM_STAMP) $(PY_STAMP)
	$(SAM) build --cached --parallel
	$(PY) -m compileall -q -j 0 --invalidation-mode checked-hash .aws-sam/build

## make deploy ENV=dev|prod: build, check and deploy with samconfig.toml's environment (needs AWS credentials)
deploy:
	@test -n "$(ENV)" || { echo "make deploy ENV=dev or ENV=prod"; exit 2; }
	$(MAKE) --no-print-directory deploy-check
	$(SAM) deploy --config-env $(ENV)

## make bench: cold-start and request-cost ratios, sustained requests/s and stream lag (goals and verdicts)
bench: bootstrap
	$(PY) -m bench

## make invoke FN=create_checkout_session EVENT=events/create_checkout_session.json
invoke: bootstrap
	$(PY) -m devstack.invoke $(FN) $(or $(EVENT),events/$(FN).json) $(ARGS)

## make pay ORDER=<order id> [ARGS=--fail]: simulate the payment watcher against `make dev`
pay: $(PY_STAMP)
	$(PY) -m devstack.pay $(ORDER) $(ARGS)

## make lock: re-pin every Python dependency after editing pyproject.toml (current pins are kept where they still fit)
# Universal resolutions (valid on this x86_64 machine and on Lambda's arm64) with the hashes of every file
# of each pinned version, against PyPI alone: no uv.toml, no machine-local index or wheel folder.
# The runtime lock constrains the dev lock, so the tests run on exactly the layer's versions.
unexport UV_INDEX UV_EXTRA_INDEX_URL UV_FIND_LINKS
UV_COMPILE := $(UV) pip compile --no-config --quiet --universal --python-version 3.11 --generate-hashes \
	--default-index https://pypi.org/simple --custom-compile-command "make lock"
lock: $(PY_STAMP)
	$(UV_COMPILE) pyproject.toml -o requirements/runtime.txt
	$(UV_COMPILE) pyproject.toml --extra dev -c requirements/runtime.txt -o requirements/dev.txt
	$(UV_COMPILE) --no-strip-extras --group pyproject.toml:sam -o requirements/sam.txt
	$(UV_COMPILE) --no-strip-extras --group pyproject.toml:scan -o requirements/checkov.txt
	{ echo "# Generated by make lock from requirements/runtime.txt (do not edit): what sam build installs into the layer."; \
	  cat requirements/runtime.txt; } > layers/checkout/requirements.txt
	@echo "A new botocore? After make bootstrap: $(PY) -m checkout.adapters.dynamodb.service_data (the DynamoDB client's trimmed data; tests/unit/test_service_data.py checks it)"

clean:
	rm -rf $(VENV) .tools .aws-sam node_modules $(SDK_DIR) .pytest_cache .mypy_cache .ruff_cache

## make openapi: regenerate the OpenAPI document the functions serve (tests/template fails when it drifts)
openapi: $(PY_STAMP)
	$(PY) -m apidoc
