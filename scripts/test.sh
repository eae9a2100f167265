#!/usr/bin/env bash
# The whole test suite: type check, then every test on SQLite and again on a
# throwaway PostgreSQL cluster. TEST_DB=sqlite or TEST_DB=postgres runs one pass.
# Extra arguments go to vitest (e.g. a file filter).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.json --noEmit
echo "[test] type check passed"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
which="${TEST_DB:-both}"
status=0
if [ "$which" = "both" ] || [ "$which" = "sqlite" ]; then
  env -u TEST_DATABASE_URL npx vitest run --reporter=default --reporter=json --outputFile.json="$results/sqlite.json" "$@" || status=$?
fi
if [ "$which" = "both" ] || [ "$which" = "postgres" ]; then
  bash scripts/with-postgres.sh npx vitest run --reporter=default --reporter=json --outputFile.json="$results/postgres.json" "$@" || status=$?
fi
# One plain closing line over both passes, for humans and CI log readers.
node -e '
  const fs = require("fs"); let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(process.argv[1] + "/" + f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests || 0);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results"
exit "$status"
