#!/usr/bin/env bash
# Installs Clinicdesk with its dev extra into .venv and runs every check:
# ruff (lint and format), mypy (strict on desktop_app/ and models/), and the
# whole pytest suite, whose database tests run on SQLite and on a real
# PostgreSQL (from $CLINICDESK_TEST_PG_URL, else a throwaway pgserver).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy
echo "== pytest"
QT_QPA_PLATFORM=offscreen .venv/bin/pytest -n 2 --dist loadfile -p no:cacheprovider "$@"
