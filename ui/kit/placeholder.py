"""A page whose feature comes later: says, calmly, what will be here."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from ui.kit.page import View


class PlaceholderView(View):
    MESSAGE: ClassVar[str] = ""
    DETAILS: ClassVar[str] = ""

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        card = planned_card(self.MESSAGE, self.DETAILS, centred=True)
        message = card.findChild(QLabel, "placeholderMessage")
        assert message is not None
        self.message_label: QLabel = message
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 3)
        row.addStretch(1)
        self.body.addStretch(2)
        self.body.addLayout(row)
        self.body.addStretch(3)


def planned_card(message: str, details: str = "", *, centred: bool = False) -> QFrame:
    """A card announcing a feature that is on its way."""
    alignment = Qt.AlignmentFlag.AlignCenter if centred else Qt.AlignmentFlag.AlignLeft
    card = QFrame()
    card.setObjectName("placeholderCard")
    if centred:
        card.setMaximumWidth(620)
    layout = QVBoxLayout(card)
    margin = 34 if centred else 22
    layout.setContentsMargins(margin, margin - 4, margin, margin - 4)
    layout.setSpacing(10)

    tag = QLabel("Planned")
    tag.setObjectName("placeholderTag")
    tag_row = QHBoxLayout()
    if centred:
        tag_row.addStretch(1)
    tag_row.addWidget(tag)
    tag_row.addStretch(1)
    layout.addLayout(tag_row)

    message_label = QLabel(message)
    message_label.setObjectName("placeholderMessage")
    message_label.setAlignment(alignment)
    message_label.setWordWrap(True)
    layout.addWidget(message_label)

    if details:
        details_label = QLabel(details)
        details_label.setObjectName("placeholderDetails")
        details_label.setAlignment(alignment)
        details_label.setWordWrap(True)
        layout.addWidget(details_label)
    return card
