# Flotilla. `make help` lists the targets. Every target installs what it needs first and runs
# on the Node pinned in package.json (node_modules/.bin/node), never the machine's own Node.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# local/kube/bin holds the cluster's own kubectl and helm (same Kubernetes release as the cluster).
export PATH := $(CURDIR)/local/kube/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# onnxruntime-node's postinstall would fetch CUDA libraries, which this kind of machine cannot.
export ONNXRUNTIME_NODE_INSTALL := skip
export NO_UPDATE_NOTIFIER := 1

# The Go toolchain is the machine's own; modules are pinned by local/kube/go.sum.
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly -buildvcs=false

CACHE := .cache
RESULTS := $(CACHE)/test-results
NPM_STAMP := node_modules/.flotilla-installed

KUBE_BIN := local/kube/bin/kube
KUBE_SRC := $(shell find local/kube -name '*.go' -not -path '*/bin/*') local/kube/go.mod local/kube/go.sum
KUBE_VERSION := $(shell awk '$$1 == "k8s.io/kubernetes" { print $$2; exit }' local/kube/go.mod)
KUBE_MINOR := $(word 2,$(subst ., ,$(KUBE_VERSION)))
HELM_VERSION := $(shell awk '$$1 == "helm.sh/helm/v4" { print $$2; exit }' local/kube/go.mod)
KUBE_LDFLAGS := $(foreach p,k8s.io/component-base/version k8s.io/client-go/pkg/version,\
  -X $(p).gitVersion=$(KUBE_VERSION) -X $(p).gitMajor=1 -X $(p).gitMinor=$(KUBE_MINOR) -X $(p).gitTreeState=clean) \
  -X helm.sh/helm/v4/internal/version.version=$(HELM_VERSION)

##@ Main

.PHONY: demo
demo: setup ## Run the main job: the whole fleet on one machine for 60 s (flotilla local up), report in out/
	@node cli/bin/flotilla.js local up

.PHONY: test
test: setup lint typecheck ## Install what is missing, then lint, type check and run every test tier
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@status=0; \
	  vitest run --reporter=default --reporter=json --outputFile.json=$(RESULTS)/vitest.json || status=$$?; \
	  (cd local/kube && go test -json ./...) > $(RESULTS)/go-test.jsonl || status=$$?; \
	  (cd trainer && .venv/bin/pytest -q --junitxml=$(abspath $(RESULTS))/trainer-pytest.xml) || status=$$?; \
	  node scripts/go-test-report.ts $(RESULTS)/go-test.jsonl || true; \
	  node scripts/check-no-leftover-servers.ts || status=1; \
	  node scripts/test-summary.ts $(RESULTS); \
	  exit $$status

##@ Setup

.PHONY: setup
setup: $(NPM_STAMP) system check-node $(KUBE_BIN) trainer-setup ## Install npm packages (Node 24 included), Debian servers, the trainer's Python env; build local/kube

# `npm install --no-save` installs exactly the lock file's versions and leaves it unchanged.
# (npm 11.19's `npm ci` rejects the lock files it writes itself: it wants optional packages
# for other platforms that `npm install` no longer records.)
$(NPM_STAMP): package.json package-lock.json
	npm install --no-save --no-audit --no-fund --prefer-offline --loglevel=error
	@touch $@

.PHONY: kube
kube: $(KUBE_BIN) ## Build local/kube (the embedded Kubernetes, kubectl, helm, node agent); cached

# Rebuilt only when local/kube changes; Go's own build cache makes a rebuild after a small
# change a relink. kubectl and helm are symlinks: the binary dispatches on its name.
$(KUBE_BIN): $(KUBE_SRC)
	cd local/kube && go build -trimpath -ldflags "$(KUBE_LDFLAGS)" -o bin/kube .
	ln -sf kube local/kube/bin/kubectl
	ln -sf kube local/kube/bin/helm

.PHONY: trainer-setup
trainer-setup: ## Install the trainer's Python env (trainer/.venv) from trainer/uv.lock; cached
	@scripts/setup-trainer.sh

.PHONY: test-trainer
test-trainer: trainer-setup ## The trainer's pytest suite only
	cd trainer && .venv/bin/pytest -q

.PHONY: system
system: ## Install redis-server, clickhouse-server, chromium and prometheus from Debian if absent (needs root)
	@scripts/setup-system.sh

.PHONY: check-node
check-node: $(NPM_STAMP) ## Fail loudly unless the pinned Node (>= 22) is the one on PATH
	@node scripts/check-node.mjs make

##@ Development

.PHONY: lint
lint: $(NPM_STAMP) check-node trainer-setup ## Lint and check formatting (zero warnings): biome, gofmt, go vet, ruff, mypy
	biome check --error-on-warnings .
	@test -z "$$(gofmt -l local/kube)" || { echo "gofmt: these files need formatting:"; gofmt -l local/kube; exit 1; }
	cd local/kube && go vet ./...
	cd trainer && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

.PHONY: format
format: $(NPM_STAMP) ## Format and apply safe lint fixes
	biome check --write .

.PHONY: typecheck
typecheck: $(NPM_STAMP) check-node ## Type check everything (tsc, strict)
	tsc -p tsconfig.json

.PHONY: generate
generate: $(NPM_STAMP) check-node ## Regenerate CRDs and docs/reference from the API schemas
	node scripts/generate.ts

.PHONY: models
models: $(NPM_STAMP) check-node trainer-setup ## Regenerate the example models (examples/models, examples/fleet/models.yaml) from a seeded dataset
	node scripts/models.ts

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
