#!/usr/bin/env bash
# Bootstrap a fresh Debian 12 machine for `make test` and `make demo`:
#   1. Debian packages from deploy/debian-packages.txt (installed when run as root,
#      otherwise the missing ones are named and we stop);
#   2. .venv with the locked Python packages (requirements/dev.lock, hash-checked)
#      and the project itself in editable mode.
# Idempotent and quick when nothing changed. Exit 1 with a message naming what is
# missing when something cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
LOCK=requirements/dev.lock
STAMP="$VENV/.bootstrap-stamp"

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# --- Python ------------------------------------------------------------------
command -v "$PYTHON" >/dev/null || die "no $PYTHON on PATH; install Python 3.11 (apt-get install python3)"
"$PYTHON" - <<'PY' || die "Python 3.11 or newer is required (found $("$PYTHON" -V 2>&1))"
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# --- Debian packages ---------------------------------------------------------
wanted=()
while read -r line; do
    pkg=${line%%#*}; pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] && wanted+=("$pkg")
done < deploy/debian-packages.txt

missing=()
if command -v dpkg-query >/dev/null; then
    for pkg in "${wanted[@]}"; do
        if [ "$pkg" = python3-venv ] && "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
            continue  # this interpreter has venv already (e.g. a pyenv build)
        fi
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        [ "$status" = "install ok installed" ] || missing+=("$pkg")
    done
else
    say "not a Debian system (no dpkg-query); skipping system packages: ${wanted[*]}"
fi

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq || die "apt-get update failed; cannot install: ${missing[*]}"
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
            || die "apt-get could not install: ${missing[*]}"
    else
        die "missing Debian packages: ${missing[*]}
  run as root:  sudo deploy/bootstrap.sh   (or: sudo apt-get install ${missing[*]})"
    fi
fi

# --- virtual environment -----------------------------------------------------
want_stamp=$(cat "$LOCK" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want_stamp" ]; then
    exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create $VENV (on Debian: apt-get install python3-venv)"
fi
say "installing locked Python packages from $LOCK"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --require-hashes -r "$LOCK" \
    || die "pip could not install $LOCK (is PyPI reachable?)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e . \
    || die "pip could not install the project itself"
echo "$want_stamp" > "$STAMP"
say "ready: $VENV"
