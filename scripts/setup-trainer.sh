#!/usr/bin/env bash
# Installs the Python trainer's environment (trainer/.venv) exactly as trainer/uv.lock pins it.
# Needs only the machine's Python 3.11 and PyPI: uv itself is bootstrapped with pip into a venv
# under .cache/ (never into the system Python), and uv builds trainer/.venv from the lock with
# the machine's own Python (uv's Python downloads are unreachable here).
# Idempotent: when the stamp matches the lock, the project file, uv's version and the Python
# that built the venv, it does nothing and asks no network.
set -euo pipefail

UV_VERSION=0.13.9 # pinned; also the uv_build range in trainer/pyproject.toml

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools=$root/.cache/trainer-tools
uv=$tools/venv/bin/uv
stamp=$tools/setup.stamp
venv=$root/trainer/.venv

say() { echo "setup-trainer: $*" >&2; }

# The machine's Python 3.11: PYTHON if set, else python3.11, else python3 if it is 3.11.
is_311() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; }
python=${PYTHON:-}
if [[ -z $python ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && is_311 "$candidate"; then
      python=$(command -v "$candidate")
      break
    fi
  done
fi
if [[ -z $python ]] || ! is_311 "$python"; then
  say "needs Python 3.11 (python3.11 or python3 on PATH, or PYTHON=/path/to/python3.11); found ${python:-none}"
  exit 1
fi
python_id=$("$python" -c 'import sys; print(sys.version.split()[0], sys.base_prefix)')

want=$(
  echo "uv $UV_VERSION"
  echo "python $python_id"
  cd "$root/trainer" && sha256sum pyproject.toml uv.lock
)
if [[ -f $stamp && -x $venv/bin/python && -x $uv ]] && [[ "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi

# 1. uv, in a venv of its own under .cache/.
if [[ ! -x $uv ]] || [[ "$("$uv" --version 2>/dev/null)" != "uv $UV_VERSION"* ]]; then
  say "installing uv $UV_VERSION into ${tools#"$root"/}/venv"
  rm -rf "$tools/venv"
  mkdir -p "$tools"
  if ! "$python" -m venv "$tools/venv" 2>"$tools/venv.err"; then
    # Debian splits venv's ensurepip into python3-venv.
    if grep -q ensurepip "$tools/venv.err" && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
      say "python3 -m venv needs Debian's python3-venv; installing it"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
      rm -rf "$tools/venv"
      "$python" -m venv "$tools/venv"
    else
      cat "$tools/venv.err" >&2
      say "could not create a venv with $python (on Debian: apt-get install python3-venv, as root)"
      exit 1
    fi
  fi
  "$tools/venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "uv==$UV_VERSION"
fi

# 2. trainer/.venv from the lock, with the machine's Python.
say "syncing trainer/.venv from trainer/uv.lock"
cd "$root/trainer"
UV_PYTHON_DOWNLOADS=never UV_PYTHON_PREFERENCE=only-system \
  "$uv" sync --frozen --quiet --python "$python" --python-preference only-system

echo "$want" >"$stamp"
say "ready: trainer/.venv ($("$venv/bin/python" --version))"
