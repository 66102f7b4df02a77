"""One client's record beside the search results: contact, emergency contact,
balance, notes, and two tabs: the appointment history and the credits (balance,
ledger, sales), with the actions on the record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.booking.cancellation import credits_text
from desktop_app.booking.queries import AppointmentRow
from desktop_app.clients.queries import ClientRecord
from desktop_app.credits.ledger import ClientCredits, LedgerRow
from models.enums import AppointmentStatus
from ui.clients.client_ledger import ClientLedgerPanel
from ui.clients.history_model import ClientHistoryModel
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS
from ui.kit.page import empty_state
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import CaptionedValue, paint_list_row


def age_on(born: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - int(before_birthday)


def history_summary(upcoming: int, total: int) -> str:
    past = total - upcoming
    if not total:
        return "No appointments yet"
    return f"{upcoming} upcoming  ·  {past} past"


class HistoryDelegate(QStyledItemDelegate):
    """One appointment as two lines: when (and status) over what, with whom, reference."""

    PADDING = 8

    def __init__(self, model: ClientHistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(200, 2 * line + 2 * self.PADDING + 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        row = self.model.data(index, ROW_ROLE)
        if not isinstance(row, AppointmentRow):
            return
        model = self.model
        painter.save()
        rect = paint_list_row(painter, option)
        painter.fillRect(
            QRect(rect.left() + 4, rect.top() + 7, 3, rect.height() - 14), QColor(row.colour)
        )

        font = QFont(option.font)
        metrics = QFontMetrics(font)
        line = metrics.height()
        left = rect.left() + 16
        right = rect.right() - self.PADDING
        top = rect.top() + self.PADDING

        status = model.display(row, ClientHistoryModel.COL_STATUS)
        background, foreground = APPOINTMENT_STATUS_COLOURS[row.status]
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        small_metrics = QFontMetrics(small)
        pill_width = small_metrics.horizontalAdvance(status) + 16
        pill = QRect(right - pill_width, top + 1, pill_width, line - 2)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setFont(small)
        painter.setPen(QColor(foreground))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, status)

        when = QFont(font)
        when.setBold(model.is_upcoming(row))
        when.setStrikeOut(row.status is AppointmentStatus.CANCELLED)
        painter.setFont(when)
        painter.setPen(QColor("#1f2933"))
        width = pill.left() - 8 - left
        painter.drawText(
            QRect(left, top, width, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            QFontMetrics(when).elidedText(
                model.display(row, ClientHistoryModel.COL_WHEN), Qt.TextElideMode.ElideRight, width
            ),
        )
        reference = model.display(row, ClientHistoryModel.COL_REFERENCE)
        details = "  ·  ".join(
            (
                model.display(row, ClientHistoryModel.COL_SERVICE),
                model.display(row, ClientHistoryModel.COL_PRACTITIONER),
            )
        )
        second = QRect(left, top + line + 2, right - left, line)
        painter.setFont(font)
        painter.setPen(QColor("#66788a"))
        painter.drawText(
            second, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, reference
        )
        room = right - left - metrics.horizontalAdvance(reference) - 12
        painter.drawText(
            QRect(left, second.top(), room, line),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            metrics.elidedText(details, Qt.TextElideMode.ElideRight, room),
        )
        painter.restore()


class ClientRecordPanel(QStackedWidget):
    """An empty prompt until a client is chosen, then their record."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clientRecord")
        self.record: ClientRecord | None = None
        self.prompt = empty_state("Choose a client to see their record, history and balance.")
        self.addWidget(self.prompt)
        self.card = QFrame()
        self.card.setObjectName("recordCard")
        self.addWidget(self.card)
        self._build_card()
        self.setCurrentWidget(self.prompt)

    def _build_card(self) -> None:
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(18, 16, 18, 16)
        layout.setSpacing(12)

        top = QHBoxLayout()
        top.setSpacing(10)
        self.name_label = QLabel()
        self.name_label.setObjectName("recordName")
        self.name_label.setWordWrap(True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.archived_tag = QLabel("Archived")
        self.archived_tag.setObjectName("archivedTag")
        self.archived_tag.setToolTip("Kept for the records; not found by search, not bookable")
        top.addWidget(self.name_label, 1)
        top.addWidget(self.archived_tag, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.book_button = QPushButton("Book…")
        self.book_button.setObjectName("primaryButton")
        self.book_button.setToolTip("Book an appointment for this client")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Change contact details and notes")
        self.archive_button = QPushButton("Archive…")
        self.archive_button.setToolTip("Hide from search and booking; the record is kept")
        for button in (self.book_button, self.edit_button, self.archive_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        grid = QGridLayout()
        grid.setHorizontalSpacing(22)
        grid.setVerticalSpacing(10)
        self.phone = CaptionedValue("Phone")
        self.email = CaptionedValue("E-mail")
        self.birth = CaptionedValue("Date of birth")
        self.balance = CaptionedValue("Balance")
        self.emergency = CaptionedValue("Emergency contact")
        grid.addWidget(self.phone, 0, 0)
        grid.addWidget(self.email, 0, 1)
        grid.addWidget(self.birth, 1, 0)
        grid.addWidget(self.balance, 1, 1)
        grid.addWidget(self.emergency, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)

        self.notes = CaptionedValue("Notes")
        layout.addWidget(self.notes)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pageTabs")
        self.tabs.setDocumentMode(True)
        layout.addWidget(self.tabs, 1)

        appointments = QWidget()
        history_layout = QVBoxLayout(appointments)
        history_layout.setContentsMargins(0, 10, 0, 0)
        history_layout.setSpacing(8)
        self.history_summary = QLabel()
        self.history_summary.setObjectName("cardCaption")
        history_layout.addWidget(self.history_summary)

        self.history_model = ClientHistoryModel(self)
        # Two lines per appointment read better than five columns in a side panel.
        self.history = QListView()
        self.history.setObjectName("historyList")
        self.history.setModel(self.history_model)
        self.history.setModelColumn(ClientHistoryModel.COL_WHEN)
        self.history.setItemDelegate(HistoryDelegate(self.history_model, self.history))
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.history.setUniformItemSizes(True)
        self.history.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.history_empty = empty_state("No appointments yet.")
        self.history_pages = QStackedWidget()
        self.history_pages.addWidget(self.history)
        self.history_pages.addWidget(self.history_empty)
        history_layout.addWidget(self.history_pages, 1)
        self.tabs.addTab(appointments, "Appointments")

        self.credits = ClientLedgerPanel()
        self.tabs.addTab(self.credits, "Credits")

    def clear(self) -> None:
        self.record = None
        self.setCurrentWidget(self.prompt)

    def show_record(
        self,
        record: ClientRecord,
        now: datetime,
        tz: tzinfo,
        credits: ClientCredits | None = None,
        ledger: Sequence[LedgerRow] = (),
    ) -> None:
        """`credits` and `ledger`: the Credits tab; without them it shows the balance only."""
        if self.record is None or self.record.id != record.id:
            # Another client: start from their appointments, as a desk expects.
            self.tabs.setCurrentIndex(0)
        self.record = record
        self.name_label.setText(record.full_name)
        self.archived_tag.setVisible(record.archived)
        self.phone.set(record.phone)
        self.email.set(record.email)
        if record.date_of_birth is not None:
            born = record.date_of_birth
            today = now.astimezone(tz).date()
            self.birth.set(f"{born.day} {born:%b %Y} (age {age_on(born, today)})")
        else:
            self.birth.set(None, "Not given")
        self.balance.set(credits_text(record.balance))
        self.balance.value.setProperty("negative", record.balance < 0)
        self.balance.value.style().polish(self.balance.value)
        emergency = " · ".join(
            x for x in (record.emergency_contact_name, record.emergency_contact_phone) if x
        )
        self.emergency.set(emergency, "Not given")
        self.notes.set(record.notes, "No notes")
        self.history_model.set_history(record.appointments, now, tz)
        self.history_summary.setText(
            history_summary(self.history_model.upcoming_count, len(record.appointments))
        )
        self.history_pages.setCurrentWidget(
            self.history if record.appointments else self.history_empty
        )
        self.credits.show_credits(credits, ledger, now, tz, balance=record.balance)
        self.tabs.setTabText(1, f"Credits ({record.balance})" if record.balance else "Credits")
        self.setCurrentWidget(self.card)

    def show_credits_tab(self) -> None:
        self.tabs.setCurrentWidget(self.credits)

    def set_actions_allowed(
        self,
        *,
        book: bool,
        edit: bool,
        archive: bool,
        sell: bool = False,
        adjust: bool = False,
    ) -> None:
        archived = self.record is not None and self.record.archived
        self.book_button.setEnabled(book and not archived)
        self.edit_button.setEnabled(edit and not archived)
        self.archive_button.setEnabled(archive and not archived)
        # Credits of an archived client can still be corrected, not sold.
        self.credits.set_actions_allowed(sell=sell and not archived, adjust=adjust)
