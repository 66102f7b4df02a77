"""Guards against a Qt binding that corrupts reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to None on every call that
returns nothing; a desk app that runs all day then aborts ("none_dealloc").
pyproject.toml excludes that release; this test catches any other that does
the same.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot


def test_calls_returning_nothing_keep_none_alive(qtbot: QtBot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.setWindowTitle("Clinicdesk")
    assert sys.getrefcount(None) >= before - 50
