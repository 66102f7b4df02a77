"""A client's credits in their record: the balance, what can be spent now and
what runs out soon, the actions on credits, and every ledger entry.

The numbers are never edited here: a sale or an adjustment is a command, and
the panel shows the ledger the core returns afterwards (DESIGN §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.booking.cancellation import credits_text
from desktop_app.credits.ledger import ClientCredits, LedgerRow
from ui.clients.ledger_model import GAIN_COLOUR, KIND_COLOURS, LOSS_COLOUR, LedgerModel
from ui.kit.page import empty_state
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import CaptionedValue, paint_list_row

# Credits running out within this many days are pointed out beside the balance.
EXPIRING_SOON_DAYS = 30


@dataclass(frozen=True)
class Expiring:
    credits: int
    first: datetime


def expiring_soon(credits: ClientCredits, now: datetime) -> Expiring | None:
    """Usable credits that lapse within EXPIRING_SOON_DAYS, and the first such date."""
    horizon = now + timedelta(days=EXPIRING_SOON_DAYS)
    lots = [
        lot
        for lot in credits.lots
        if lot.id is not None
        and lot.usable(now)
        and lot.expires_at is not None
        and lot.expires_at <= horizon
    ]
    if not lots:
        return None
    return Expiring(
        sum(lot.left for lot in lots), min(lot.expires_at for lot in lots if lot.expires_at)
    )


def waiting_partner_credits(credits: ClientCredits, now: datetime) -> int:
    """Partner credits allocated to the client's e-mail, credited when first used."""
    return sum(lot.left for lot in credits.lots if lot.id is None and lot.usable(now))


class LedgerDelegate(QStyledItemDelegate):
    """One entry as two lines, kind and reason over when and who, with the
    change and the balance after it on the right; a third line for what only
    some entries have (a receipt, a partner, an expiry date)."""

    PADDING = 7

    def __init__(self, model: LedgerModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def lines(self, row: LedgerRow) -> int:
        return 3 if self.extra(row) else 2

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).height()
        row = self.model.data(index, ROW_ROLE)
        count = self.lines(row) if isinstance(row, LedgerRow) else 2
        return QSize(200, count * line + (count - 1) * 2 + 2 * self.PADDING)

    def details(self, row: LedgerRow) -> str:
        """When, who, and the appointment when the reason does not name it."""
        m = self.model
        parts = [m.display(row, m.COL_WHEN), m.display(row, m.COL_WHO)]
        if row.appointment_reference and row.appointment_reference not in row.reason:
            parts.append(row.appointment_reference)
        return " · ".join(parts)

    def extra(self, row: LedgerRow) -> str:
        parts = []
        if row.receipt_number:
            parts.append(f"Receipt {row.receipt_number}")
        if row.organisation_name and row.organisation_name not in row.reason:
            parts.append(row.organisation_name)
        if expires := self.model.expires_text(row):
            parts.append(f"valid until {expires}")
        return " · ".join(parts)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = self.model.data(index, ROW_ROLE)
        if not isinstance(row, LedgerRow):
            return
        m = self.model
        painter.save()
        rect = paint_list_row(painter, option)

        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        left = rect.left() + 10
        right = rect.right() - 10
        top = rect.top() + self.PADDING
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)

        # The change, bold and coloured: what the desk looks for first.
        change = QFont(font)
        change.setBold(True)
        change_metrics = QFontMetrics(change)
        change_width = max(change_metrics.horizontalAdvance("+000"), 36)
        painter.setFont(change)
        painter.setPen(QColor(GAIN_COLOUR if row.amount > 0 else LOSS_COLOUR))
        painter.drawText(
            QRect(right - change_width, top, change_width, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            m.display(row, m.COL_CHANGE),
        )
        balance_text = f"= {row.balance_after}"
        balance_width = metrics.horizontalAdvance(balance_text)
        painter.setFont(font)
        painter.setPen(QColor("#66788a"))
        painter.drawText(
            QRect(right - balance_width, top + line + 2, balance_width, line),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            balance_text,
        )
        text_right = right - change_width - 12

        kind = m.display(row, m.COL_KIND)
        background, foreground = KIND_COLOURS[row.kind]
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        pill_width = QFontMetrics(small).horizontalAdvance(kind) + 16
        pill = QRect(left, top + 1, pill_width, line - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(QColor(foreground))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, kind)

        reason_left = pill.right() + 8
        width = max(0, text_right - reason_left)
        painter.setFont(font)
        painter.setPen(QColor("#1f2933"))
        painter.drawText(
            QRect(reason_left, top, width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(row.reason, Qt.TextElideMode.ElideRight, width),
        )
        painter.setPen(QColor("#66788a"))
        below = [(self.details(row), right - balance_width - 10 - left)]
        if extra := self.extra(row):
            below.append((extra, right - left))
        for n, (text, room) in enumerate(below, start=1):
            painter.drawText(
                QRect(left, top + n * (line + 2), max(0, room), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, room)),
            )
        painter.restore()


class ClientLedgerPanel(QWidget):
    """The Credits tab of a client's record."""

    sell_requested = Signal()
    adjust_requested = Signal()
    # The receipt number of the entry whose receipt is wanted.
    receipt_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)

        figures = QHBoxLayout()
        figures.setSpacing(22)
        self.balance = CaptionedValue("Balance")
        self.usable = CaptionedValue("Usable now")
        self.expiring = CaptionedValue(f"Expiring within {EXPIRING_SOON_DAYS} days")
        for figure in (self.balance, self.usable, self.expiring):
            figures.addWidget(figure, 1)
        layout.addLayout(figures)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.sell_button = QPushButton("Sell credit pack…")
        self.sell_button.setObjectName("primaryButton")
        self.sell_button.setToolTip("Sell a pack of credits and take the payment")
        self.sell_button.clicked.connect(self.sell_requested)
        self.adjust_button = QPushButton("Adjust…")
        self.adjust_button.setToolTip("Give or take credits, with a reason (managers)")
        self.adjust_button.clicked.connect(self.adjust_requested)
        self.receipt_button = QPushButton("Receipt…")
        self.receipt_button.setToolTip("Show the receipt of the selected purchase")
        self.receipt_button.clicked.connect(self._receipt_clicked)
        for button in (self.sell_button, self.adjust_button, self.receipt_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.model = LedgerModel(self)
        self.entries = QListView()
        self.entries.setObjectName("historyList")
        self.entries.setModel(self.model)
        self.entries.setModelColumn(LedgerModel.COL_REASON)
        self.entries.setItemDelegate(LedgerDelegate(self.model, self.entries))
        self.entries.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.entries.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.entries.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.entries.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.entries.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.entries.selectionModel().currentChanged.connect(lambda *_: self._update_receipt())
        self.entries.doubleClicked.connect(lambda _i: self._receipt_clicked())
        self.empty = empty_state("No credits bought, used or given yet.")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.entries)
        self.pages.addWidget(self.empty)
        layout.addWidget(self.pages, 1)
        self._update_receipt()

    def show_credits(
        self,
        credits: ClientCredits | None,
        ledger: Sequence[LedgerRow],
        now: datetime,
        tz: tzinfo,
        balance: int = 0,
    ) -> None:
        """`credits` None: only the balance is known (the ledger could not be read)."""
        shown = credits.balance if credits is not None else balance
        self.balance.set(credits_text(shown), negative=shown < 0)
        if credits is None:
            self.usable.set(None)
            self.expiring.set(None)
        else:
            usable = credits_text(credits.usable)
            waiting = waiting_partner_credits(credits, now)
            if waiting:
                usable += f" (+{waiting} partner, not yet credited)"
            if credits.lapsed:
                usable += f"; {credits.lapsed} lapsed"
            self.usable.set(usable)
            soon = expiring_soon(credits, now)
            if soon is None:
                self.expiring.set(None, "None")
            else:
                day = soon.first.astimezone(tz).date()
                self.expiring.set(f"{soon.credits}, from {day.day} {day:%b %Y}")
        self.model.set_ledger(ledger, tz)
        self.pages.setCurrentWidget(self.entries if ledger else self.empty)
        self._update_receipt()

    def set_actions_allowed(self, *, sell: bool, adjust: bool) -> None:
        self.sell_button.setEnabled(sell)
        # A desk never adjusts; the button would only tempt.
        self.adjust_button.setVisible(adjust)

    def selected_entry(self) -> LedgerRow | None:
        index = self.entries.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, LedgerRow) else None

    def select_entry(self, row: int) -> None:
        self.entries.setCurrentIndex(self.model.index(row, LedgerModel.COL_REASON))

    def _update_receipt(self) -> None:
        entry = self.selected_entry()
        self.receipt_button.setEnabled(entry is not None and bool(entry.receipt_number))

    def _receipt_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.receipt_number:
            self.receipt_requested.emit(entry.receipt_number)
