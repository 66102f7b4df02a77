#!/usr/bin/env bash
# Installs Clinicdesk into .venv and starts it on the embedded SQLite database.
# Any arguments go to `clinicdesk` (e.g. --demo, --database URL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/clinicdesk "$@"
