"""A one-line label that gives way with "…" when it does not fit."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.kit.widgets import ElidedLabel

LONG = "✓  Amelia Allen   01632 960705 · amelia.allen@example.com"


def test_a_long_line_ends_in_an_ellipsis_and_the_tooltip_has_it_all(qtbot: QtBot) -> None:
    label = ElidedLabel(LONG)
    qtbot.addWidget(label)
    label.resize(140, 24)
    label.show()
    qtbot.waitExposed(label)
    assert label.text().endswith("…") and label.text() != LONG
    assert label.toolTip() == LONG and label.full_text() == LONG

    # Given room, the whole line shows and there is nothing to explain.
    label.resize(label.fontMetrics().horizontalAdvance(LONG) + 20, 24)
    assert label.text() == LONG
    assert label.toolTip() == ""
