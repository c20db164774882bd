# syntax=docker/dockerfile:1
# The Flotilla image: the `flotilla` command, which is the operator (`flotilla operator`), the
# runner (`flotilla runner`) and the other subcommands. charts/flotilla runs it with `args` only,
# so the entrypoint below is what every pod starts.
#
# It cannot be built on the project's own machines: they have no container engine (no Docker,
# Podman or BuildKit). The local cluster does not pull images; its node agent maps this image's
# repository to the checkout's `flotilla` command (docs/local-cluster.md). Elsewhere:
#   docker build -t ghcr.io/flotilla-dev/flotilla:0.1.0 --build-arg VERSION=0.1.0 .
# test/unit/charts/dockerfile.test.ts checks what can be checked without building it.

ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only. glibc (bookworm, not alpine): onnxruntime-node ships glibc
# binaries for linux x64 and arm64 inside its package; ONNXRUNTIME_NODE_INSTALL=skip stops its
# install script from fetching the CUDA provider, which the runners do not use.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV ONNXRUNTIME_NODE_INSTALL=skip NO_UPDATE_NOTIFIER=1 NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
COPY package.json package-lock.json ./
# `npm install --no-save` installs exactly the lock file's versions, as the Makefile does:
# npm 11's `npm ci` rejects this lock file, which (as npm 11 writes them) omits the optional
# packages of other platforms.
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-save --omit=dev --loglevel=error

FROM ${NODE_IMAGE}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="flotilla" \
      org.opencontainers.image.description="Kubernetes operator and runtime for a fleet of ML trading strategies" \
      org.opencontainers.image.source="https://github.com/flotilla-dev/flotilla" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
ENV NODE_ENV=production \
    HOME=/tmp \
    FLOTILLA_MODEL_CACHE=/tmp/flotilla-models
WORKDIR /app
# Owned by root and not writable by the runtime user: the root filesystem can be read-only.
# Node runs the TypeScript sources directly (type stripping), so there is no build step.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY cli ./cli
COPY operator/src ./operator/src
COPY runtime/src ./runtime/src
# 65532: the conventional "nonroot" uid/gid (distroless), matching the chart's runAsUser.
USER 65532:65532
# The only writable path it needs is /tmp (the chart mounts an emptyDir there).
ENTRYPOINT ["node", "cli/main.ts"]
CMD ["--help"]
