#!/bin/sh
# Runs the JavaScript SDK's unit tests with Node's built-in test runner; Maven calls this in the
# test phase of parley-server (skip with -DskipTests or -Djs.tests.skip=true).
set -eu
if ! command -v node >/dev/null 2>&1; then
  echo "ERROR: the JavaScript SDK tests (parley-server/src/test/js) need Node.js 18 or newer, and 'node' is not on the PATH." >&2
  echo "ERROR: install it (Debian/Ubuntu: apt-get install nodejs) or skip these tests with -Djs.tests.skip=true." >&2
  exit 1
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "ERROR: the JavaScript SDK tests need Node.js 18 or newer; found $(node --version)." >&2
  exit 1
fi
cd "$(dirname "$0")"
exec node --test --test-reporter=spec ./*.test.mjs
