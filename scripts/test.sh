#!/usr/bin/env bash
# The whole test suite: type check, then every test on SQLite and again on a
# throwaway PostgreSQL cluster. TEST_DB=sqlite or TEST_DB=postgres runs one pass.
# Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json --noEmit
echo "[test] type check passed"
which="${TEST_DB:-both}"
if [ "$which" = "both" ] || [ "$which" = "sqlite" ]; then
  env -u TEST_DATABASE_URL npx vitest run "$@"
fi
if [ "$which" = "both" ] || [ "$which" = "postgres" ]; then
  bash scripts/with-postgres.sh npx vitest run "$@"
fi
