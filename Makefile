# Flotilla. `make help` lists the targets. Every target installs what it needs first and runs
# on the Node pinned in package.json (node_modules/.bin/node), never the machine's own Node.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
# onnxruntime-node's postinstall would fetch CUDA libraries, which this kind of machine cannot.
export ONNXRUNTIME_NODE_INSTALL := skip
export NO_UPDATE_NOTIFIER := 1

CACHE := .cache
RESULTS := $(CACHE)/test-results
NPM_STAMP := node_modules/.flotilla-installed

##@ Main

.PHONY: demo
demo: setup ## Run the main job: the whole fleet on one machine (see README for what exists yet)
	@node scripts/demo.ts

.PHONY: test
test: setup lint typecheck ## Install what is missing, then lint, type check and run every test tier
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@status=0; \
	  vitest run --reporter=default --reporter=json --outputFile.json=$(RESULTS)/vitest.json || status=$$?; \
	  node scripts/check-no-leftover-servers.ts || status=1; \
	  node scripts/test-summary.ts $(RESULTS); \
	  exit $$status

##@ Setup

.PHONY: setup
setup: $(NPM_STAMP) system check-node ## Install npm packages (Node 24 included) and Debian servers if missing

# `npm install --no-save` installs exactly the lock file's versions and leaves it unchanged.
# (npm 11.19's `npm ci` rejects the lock files it writes itself: it wants optional packages
# for other platforms that `npm install` no longer records.)
$(NPM_STAMP): package.json package-lock.json
	npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error
	@touch $@

.PHONY: system
system: ## Install redis-server and clickhouse-server from Debian if absent (needs root)
	@scripts/setup-system.sh

.PHONY: check-node
check-node: $(NPM_STAMP) ## Fail loudly unless the pinned Node (>= 22) is the one on PATH
	@node scripts/check-node.mjs make

##@ Development

.PHONY: lint
lint: $(NPM_STAMP) check-node ## Lint and check formatting (zero warnings)
	biome check --error-on-warnings .

.PHONY: format
format: $(NPM_STAMP) ## Format and apply safe lint fixes
	biome check --write .

.PHONY: typecheck
typecheck: $(NPM_STAMP) check-node ## Type check everything (tsc, strict)
	tsc -p tsconfig.json

.PHONY: generate
generate: $(NPM_STAMP) check-node ## Regenerate CRDs and docs/reference from the API schemas
	node scripts/generate.ts

.PHONY: test-unit test-integration test-e2e
test-unit: setup ## Unit tests only (pure, no servers)
	vitest run --project unit
test-integration: setup ## Integration tests only (starts its own redis-server and clickhouse-server)
	vitest run --project integration
test-e2e: setup ## End-to-end tests only (drives the flotilla command)
	vitest run --project e2e

.PHONY: clean
clean: ## Remove caches and test results (keeps node_modules)
	rm -rf $(CACHE)

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} \
	  /^[a-zA-Z0-9_-]+:.*?##/ { printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2 } \
	  /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)
