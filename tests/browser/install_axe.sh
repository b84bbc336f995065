#!/usr/bin/env bash
# Install axe-core (the accessibility engine the browser tests inject) into .cache/npm.
# Idempotent: does nothing when axe.min.js is already there. .cache/ ignores itself
# (it gets its own .gitignore), so nothing here is ever committed.
# Usage: tests/browser/install_axe.sh        (from anywhere; works on the project root)
set -euo pipefail
cd "$(dirname "$0")/../.."

PREFIX=.cache/npm
AXE="$PREFIX/node_modules/axe-core/axe.min.js"

mkdir -p "$PREFIX"
[ -f .cache/.gitignore ] || printf '# Downloaded tools (npm packages for the browser tests); never committed.\n*\n' > .cache/.gitignore

if [ -f "$AXE" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install_axe.sh: npm not found; install Node.js (apt-get install nodejs npm) to run the accessibility tests" >&2
  exit 1
fi
npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error axe-core@4 >&2
test -f "$AXE"
echo "axe-core $(node -p "require('./$PREFIX/node_modules/axe-core/package.json').version") in $PREFIX" >&2
