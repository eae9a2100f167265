#!/usr/bin/env bash
# Installs what efm-onboarding needs on a fresh Debian machine with Node 20:
# Debian packages (Chromium for PDFs, poppler-utils and qpdf for checks, fonts,
# PostgreSQL for the test suite) and the npm dependencies. Safe to run again:
# it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
# chromium-headless-shell renders the PDFs (3–5× faster and about 120 MB smaller than the full
# browser, docs/benchmarks.md); chromium is the real browser of the end-to-end tests.
command -v chromium >/dev/null || need_apt+=(chromium)
command -v chromium-headless-shell >/dev/null || need_apt+=(chromium-headless-shell)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
command -v qpdf >/dev/null || need_apt+=(qpdf)
# openssl: the certificate tests run `openssl ocsp` as a local responder and build PKCS#7/PKCS#12 files.
command -v openssl >/dev/null || need_apt+=(openssl)
[ -f /usr/share/color/icc/sRGB.icc ] || [ -f /usr/share/color/icc/colord/sRGB.icc ] || need_apt+=(icc-profiles-free)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "[setup] installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "[setup] missing Debian packages: ${need_apt[*]}" >&2
    echo "[setup] run: sudo apt-get install --no-install-recommends ${need_apt[*]}" >&2
    exit 1
  fi
fi

# npm dependencies: reinstall when package-lock.json changed since the last install.
stamp=node_modules/.efm-installed
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  echo "[setup] installing npm dependencies (better-sqlite3 compiles from source: about 1–2 minutes)"
  npm ci --no-audit --no-fund
  touch "$stamp"
fi
# better-sqlite3's native module must load; npm 11 blocks install scripts unless
# package.json's allowScripts approves them, and a half-finished build leaves none.
if ! node -e "require('better-sqlite3')(':memory:').close()" 2>/dev/null; then
  echo "[setup] building better-sqlite3"
  npm rebuild better-sqlite3
fi
