"""What the schedule's panels share: how a command is run for them, the
colours of each kind of exception, cards, captions, chips and the words for hours."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
)

from desktop_app.availability.queries import OverrideRow
from desktop_app.kernel.commands import Command
from ui.kit.formatting import AMBER, BLUE, RED, VIOLET

# Runs a command in the background; calls the function with its result once
# the core has accepted it. A refusal is shown by the view.
Runner = Callable[[Command, Callable[[Any], None] | None], None]

# (background, text) per kind of day on the exceptions calendar.
CLOSED_COLOURS = RED
CUSTOM_COLOURS = BLUE
REPEATING_COLOURS = AMBER
HOLIDAY_COLOURS = VIOLET
PAST_TEXT = "#9aa5b1"


def panel_card(title: str = "") -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("formCard")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    if title:
        heading = QLabel(title)
        heading.setObjectName("cardTitle")
        layout.addWidget(heading)
    return card, layout


def panel_caption(text: str = "") -> QLabel:
    # Never word-wrapped: a wrapped label makes its column height-for-width,
    # and such a box layout short of room squeezes widgets below their minimum
    # (a calendar loses its last week, time fields shrink to a line). Longer
    # texts are written as separate lines.
    label = QLabel(text)
    label.setObjectName("cardCaption")
    return label


def char_format(colours: tuple[str, str], *, bold: bool = True) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(QBrush(QColor(colours[0])))
    fmt.setForeground(QBrush(QColor(colours[1])))
    if bold:
        fmt.setFontWeight(QFont.Weight.DemiBold)
    return fmt


def legend_chip(text: str, colours: tuple[str, str]) -> QLabel:
    chip = QLabel(text)
    chip.setObjectName("legendChip")
    chip.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    # Per-chip colours; the shape comes from the style sheet.
    chip.setStyleSheet(f"background: {colours[0]}; color: {colours[1]};")
    return chip


def blocks_text(ranges: Sequence[tuple[time, time]]) -> str:
    return ", ".join(f"{s:%H:%M}–{e:%H:%M}" for s, e in ranges)


def override_text(row: OverrideRow) -> str:
    what = f"Open {blocks_text(row.blocks)}" if row.blocks else "Closed all day"
    return f"{what} — {row.reason}" if row.reason else what
