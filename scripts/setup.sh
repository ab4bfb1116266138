#!/usr/bin/env bash
# Installs everything cookiegov needs on a fresh machine: a virtualenv with the package and
# its test tools, and a Chromium (found, or installed: apt as root, else Playwright's).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "$PY" -m venv .venv
    else
      echo "setup: '$PY -m venv' failed; install python3-venv" >&2
      exit 1
    fi
  fi
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  touch "$stamp"
fi
.venv/bin/python -m scanner.browser >/dev/null
# npm: the consent-manager engine and TC-string decoder the scanner drives
# (@duckduckgo/autoconsent, @iabtcf/core), and for the tests axe-core and the real consent
# managers behind the test-bed shops. Installed again whenever package.json changes.
if [ ! -f node_modules/.package-lock.json ] || [ package.json -nt node_modules/.package-lock.json ]; then
  if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq npm >/dev/null
  fi
  npm install --no-audit --no-fund --silent
  touch node_modules/.package-lock.json
fi
