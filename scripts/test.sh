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
# Two processes each for the core's tests and the GUI's (a file stays in one
# process; each has its own QApplication). --max-worker-restart 0: a crashed
# worker ends the run at once instead of stalling the pool.
run_pytest() {
  local status=0
  QT_QPA_PLATFORM=offscreen .venv/bin/pytest -p no:cacheprovider "$@" || status=$?
  # 5: nothing selected in this half (e.g. -k matched only the other half).
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
    exit "$status"
  fi
}
echo "== pytest: core (SQLite and PostgreSQL)"
run_pytest -n 2 --dist loadfile --max-worker-restart 0 tests/unit tests/integration "$@"
echo "== pytest: GUI"
run_pytest -n 2 --dist loadfile --max-worker-restart 0 tests/ui "$@"
