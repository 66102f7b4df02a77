#!/usr/bin/env bash
# Creates .venv and installs Clinicdesk into it (with the dev extra when asked),
# plus the few system libraries Qt needs on a bare Debian/Ubuntu machine.
# Safe to run again: it only installs what is missing or changed.
set -euo pipefail
cd "$(dirname "$0")/.."

extra="${1:-}"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Clinicdesk needs Python 3.11 or newer; $("$python" --version 2>&1) found." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
if [ -n "$extra" ]; then
  .venv/bin/python -m pip install --quiet -e ".[$extra]"
else
  .venv/bin/python -m pip install --quiet -e .
fi

# Qt's platform plugins load libEGL, fontconfig and xkbcommon at run time; pip
# cannot install those. Only ask apt for them when Qt really cannot start.
if ! QT_QPA_PLATFORM=offscreen .venv/bin/python -c \
    'from PySide6.QtWidgets import QApplication; QApplication([])' >/dev/null 2>&1; then
  packages="libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 libglib2.0-0 fonts-dejavu-core"
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    echo "Installing the system libraries Qt needs: $packages"
    $sudo_cmd apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $packages >/dev/null
  else
    echo "Qt cannot start: install libEGL, libGL, fontconfig and xkbcommon for your system." >&2
    exit 1
  fi
fi
