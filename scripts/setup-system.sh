#!/usr/bin/env bash
# Installs the Debian servers the tests and the demo start (redis-server, clickhouse-server),
# and the headless Chromium the demo's e2e test screenshots the report with, when they are
# missing, and Prometheus (its server and promtool check the dashboards' queries and the alert
# rules). Idempotent: does nothing, and asks no network, when all are there.
set -euo pipefail

need=()
command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] || need+=(redis-server redis-tools)
command -v clickhouse-server >/dev/null 2>&1 || [[ -x /usr/sbin/clickhouse-server ]] || need+=(clickhouse-server clickhouse-client)
command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]] || need+=(chromium)
command -v promtool >/dev/null 2>&1 || [[ -x /usr/bin/promtool ]] || need+=(prometheus)

if [[ ${#need[@]} -eq 0 ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "setup-system: missing ${need[*]}; install them as root: apt-get update && apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "setup-system: installing ${need[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "setup-system: installed ${need[*]}"
