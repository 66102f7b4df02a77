"""Clients: find a client as you type, read their record, register, edit, archive, book,
sell credits and see the client's ledger.

The search runs in the core (case- and accent-insensitive over name, e-mail
and phone digits) on a worker, a short pause after the last keystroke. While
it runs, the rows already shown are narrowed on the spot by the same rule,
so the list reacts to every key; the core's answer then replaces them, unless
the text changed meanwhile (a stale answer is dropped, never shown over a
newer one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from desktop_app.booking.commands import BookAppointment
from desktop_app.booking.events import AppointmentChanged
from desktop_app.clients import queries as client_queries
from desktop_app.clients.commands import ArchiveClient, RegisterClient, UpdateClient
from desktop_app.clients.events import ClientChanged
from desktop_app.clients.queries import ClientRecord, ClientRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.credits.commands import AdjustCredits, SellCreditPack
from desktop_app.credits.events import CreditsChanged
from desktop_app.credits.ledger import ClientCredits, LedgerRow, client_credits, client_ledger
from desktop_app.credits.results import SaleResult
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import Clock
from desktop_app.kernel.core import Core
from desktop_app.kernel.events import Event
from desktop_app.kernel.text_search import client_search_key, search_terms
from ui.booking.booking_dialog import BookingDialog
from ui.clients.client_dialogs import ArchiveClientDialog, ClientDialog
from ui.clients.client_record import ClientRecordPanel
from ui.clients.clients_model import ClientTableModel
from ui.credits.credit_dialogs import AdjustCreditsDialog, SellPackDialog
from ui.credits.receipt_view import ReceiptWindow
from ui.kit.command_dialog import open_in_place
from ui.kit.ops import run_in_background, show_error
from ui.kit.page import REFRESH_DEBOUNCE_MS, DataView, empty_state
from ui.kit.table_model import ROW_ROLE, SORT_ROLE
from ui.kit.widgets import table_view

# A pause after the last keystroke before asking the core: fast typists do
# not queue a query per key, slow ones barely notice.
SEARCH_DEBOUNCE_MS = 150
# Rows shown at most; one more is asked for to know there are more.
SEARCH_LIMIT = 50


@dataclass(frozen=True)
class ClientSearch:
    typed: str
    rows: list[ClientRow]
    more: bool


@dataclass(frozen=True)
class RecordData:
    record: ClientRecord | None
    now: datetime
    tz: ZoneInfo
    credits: ClientCredits | None = None
    ledger: tuple[LedgerRow, ...] = ()


def load_record(db: Database, clock: Clock, client_id: uuid.UUID) -> RecordData:
    """The record, its credits and its ledger, as one read for the panel."""
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    now = clock.now()
    record = client_queries.client_record(db, client_id)
    if record is None:
        return RecordData(None, now, tz)
    return RecordData(
        record,
        now,
        tz,
        client_credits(db, client_id, now),
        tuple(client_ledger(db, client_id)),
    )


class ClientSearchProxy(QSortFilterProxyModel):
    """Sorts by the model's sort role; filters by the core's search rule."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._terms: list[str] = []

    def set_typed(self, typed: str) -> None:
        terms = search_terms(typed)
        if terms == self._terms:
            return
        if hasattr(self, "endFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._terms = terms
            self.invalidateRowsFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self._terms:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        row = index.data(ROW_ROLE)
        if not isinstance(row, ClientRow):
            return True
        key = client_search_key(row.full_name, row.email, row.phone)
        return all(term in key for term in self._terms)


class SearchBox(QLineEdit):
    """Down or Enter hands the keyboard to the results; Escape starts over."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


def touches_record(event: Event, client_id: uuid.UUID) -> bool:
    """Whether the event may change what the client's record shows."""
    if isinstance(event, ClientChanged):
        return event.client_id == client_id
    if isinstance(event, CreditsChanged):
        return client_id in event.client_ids
    # An appointment event does not say whose it is.
    return isinstance(event, AppointmentChanged | DemoClinicSeeded | ClinicSettingsChanged)


class ClientsView(DataView[ClientSearch]):
    TITLE = "Clients"
    # What the results show: names, contacts, balances.
    REFRESH_ON = (ClientChanged, CreditsChanged, DemoClinicSeeded)

    # Emitted after the record panel shows a freshly loaded record.
    record_shown = Signal(object)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.search = SearchBox()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search by name, phone or e-mail")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(340)
        self.search.setToolTip("Any part of the name, phone or e-mail (Ctrl+F)")
        self.new_button = QPushButton("New client…")
        self.new_button.setObjectName("primaryButton")
        self.new_button.setToolTip("Register a new client (Ctrl+N)")
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.new_button.clicked.connect(self.new_client)
        self.new_button.setEnabled(ctx.bus.may(actor, RegisterClient))
        self.toolbar.addWidget(self.search)
        self.toolbar.addWidget(self.new_button)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self.model = ClientTableModel(self)
        self.proxy = ClientSearchProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = table_view(
            self.proxy,
            sort_column=ClientTableModel.COL_NAME,
            stretch_column=ClientTableModel.COL_EMAIL,
        )
        self.table.setObjectName("clientTable")
        header = self.table.horizontalHeader()
        # Read as a desk says it: name, phone, e-mail.
        header.moveSection(header.visualIndex(ClientTableModel.COL_PHONE), 1)
        self.table.doubleClicked.connect(lambda _i: self.edit_client())
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.search.to_results.connect(self._focus_results)
        self.results = QStackedWidget()
        self.results.addWidget(self.table)
        self.no_match = empty_state("")
        self.results.addWidget(self.no_match)

        self.record_panel = ClientRecordPanel()
        self.record_panel.book_button.clicked.connect(self.book)
        self.record_panel.edit_button.clicked.connect(self.edit_client)
        self.record_panel.archive_button.clicked.connect(self.archive_client)
        self.record_panel.credits.sell_requested.connect(self.sell_pack)
        self.record_panel.credits.adjust_requested.connect(self.adjust_credits)
        self.record_panel.credits.receipt_requested.connect(self.show_receipt)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("clientsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.results)
        self.splitter.addWidget(self.record_panel)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        # The record holds two-line lists (appointments, ledger): give it room to read.
        self.splitter.setSizes([580, 420])
        self.body.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._search_now)
        self.search.textChanged.connect(self._typed)
        # What the rows on screen answer (terms), to skip asking the same again.
        self._shown_terms: list[str] | None = None

        # The record shown (kept while a search changes the rows around it).
        self.shown_client_id: uuid.UUID | None = None
        self._record_seq = 0
        self._record_loading = False
        self._record_stale = False
        self._record_timer = QTimer(self)
        self._record_timer.setSingleShot(True)
        self._record_timer.setInterval(REFRESH_DEBOUNCE_MS)
        self._record_timer.timeout.connect(self._reload_record)
        # Select this client when the next search result contains them.
        self._select_when_found: uuid.UUID | None = None

        self.client_dialog: ClientDialog | None = None
        self.archive_dialog: ArchiveClientDialog | None = None
        self.booking_dialog: QDialog | None = None
        self.sell_dialog: SellPackDialog | None = None
        self.adjust_dialog: AdjustCreditsDialog | None = None
        self.receipt_window: ReceiptWindow | None = None
        self._record_data: RecordData | None = None
        self._update_actions()

    # --- searching -------------------------------------------------------

    def fetch(self) -> Callable[[], ClientSearch]:
        db, typed = self.ctx.db, self.search.text()

        def load() -> ClientSearch:
            rows = client_queries.search_clients(db, typed, limit=SEARCH_LIMIT + 1)
            return ClientSearch(typed, rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT)

        return load

    def apply(self, data: ClientSearch) -> None:
        if search_terms(data.typed) != search_terms(self.search.text()):
            # Typed on since this search started; a newer one is on its way.
            return
        self._shown_terms = search_terms(data.typed)
        self.model.set_rows(data.rows)
        self._describe(data)
        self._size_columns()
        wanted = self._select_when_found or self.shown_client_id
        if wanted is not None and self.select_client(wanted):
            self._select_when_found = None

    def _describe(self, data: ClientSearch) -> None:
        count = len(data.rows)
        typed = data.typed.strip()
        if not typed:
            if data.more:
                subtitle = f"The first {count} clients by name — type to find anyone"
            else:
                subtitle = f"{count} client{'s' if count != 1 else ''}"
        elif data.more:
            subtitle = f"More than {count} clients match “{typed}” — keep typing to narrow"
        else:
            subtitle = f"{count} client{'s' if count != 1 else ''} match “{typed}”"
        self.set_subtitle(subtitle)
        if data.rows:
            self.results.setCurrentWidget(self.table)
        else:
            self.no_match.setText(
                f"No client matches “{typed}”.\nCheck the spelling, or register them with "
                "New client."
                if typed
                else "No clients yet. Register the first one with New client."
            )
            self.results.setCurrentWidget(self.no_match)

    def _size_columns(self) -> None:
        """Name, phone, date and credits as wide as they need; the e-mail takes the rest."""
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        bold = QFont(header.font())
        bold.setBold(True)
        heading = QFontMetrics(bold)
        padding = 26
        for column, cap in (
            (ClientTableModel.COL_NAME, 200),
            (ClientTableModel.COL_PHONE, 150),
            (ClientTableModel.COL_BIRTH, 130),
            (ClientTableModel.COL_BALANCE, 90),
        ):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            content = self.table.sizeHintForColumn(column)
            width = max(content, heading.horizontalAdvance(title) + padding)
            header.resizeSection(column, min(cap, width + 4))
        header.setSectionResizeMode(ClientTableModel.COL_EMAIL, QHeaderView.ResizeMode.Stretch)

    def _typed(self, text: str) -> None:
        self.proxy.set_typed(text)
        self._search_timer.start()

    def _search_now(self) -> None:
        if search_terms(self.search.text()) == self._shown_terms and not self._stale:
            return
        self.refresh()

    def search_settled(self) -> bool:
        """True when the rows shown answer what is in the search box (for tests)."""
        return (
            self.is_loaded()
            and not self._search_timer.isActive()
            and self._shown_terms == search_terms(self.search.text())
        )

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _focus_results(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        self.table.setFocus()
        if not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, self.focus_search)

    def is_loaded(self) -> bool:
        return super().is_loaded() and not self._record_loading and not self._record_stale

    def on_event(self, event: Event) -> None:
        super().on_event(event)
        if self.shown_client_id is not None and touches_record(event, self.shown_client_id):
            self._record_stale = True
            if self.isVisible():
                self._record_timer.start()

    def ensure_loaded(self) -> None:
        super().ensure_loaded()
        if self._record_stale and not self._record_loading:
            self._reload_record()

    # --- the selected client ---------------------------------------------

    def select_client(self, client_id: uuid.UUID) -> bool:
        """Select the client's row if it is among the results."""
        for proxy_row in range(self.proxy.rowCount()):
            index = self.proxy.index(proxy_row, 0)
            row = index.data(ROW_ROLE)
            if isinstance(row, ClientRow) and row.id == client_id:
                if self.table.currentIndex().row() != proxy_row:
                    self.table.selectionModel().setCurrentIndex(
                        index,
                        QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows,
                    )
                self.table.scrollTo(index)
                return True
        return False

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if isinstance(row, ClientRow) and row.id != self.shown_client_id:
            self.show_client(row.id)

    def show_client(self, client_id: uuid.UUID) -> None:
        self.shown_client_id = client_id
        self._reload_record()

    def _reload_record(self) -> None:
        client_id = self.shown_client_id
        if client_id is None:
            return
        self._record_seq += 1
        seq = self._record_seq
        self._record_loading = True
        self._record_stale = False
        db, clock = self.ctx.db, self.ctx.clock
        run_in_background(
            self,
            lambda: load_record(db, clock, client_id),
            lambda data: self._record_loaded(seq, data),
            lambda exc: self._record_failed(seq, exc),
        )

    def _record_loaded(self, seq: int, data: RecordData) -> None:
        if seq != self._record_seq:
            return  # another client was chosen meanwhile
        self._record_loading = False
        self._record_data = data
        if data.record is None:
            self.shown_client_id = None
            self.record_panel.clear()
        else:
            self.record_panel.show_record(data.record, data.now, data.tz, data.credits, data.ledger)
        self._update_actions()
        self.record_shown.emit(data.record)
        if self.is_loaded():
            self.loaded.emit()

    def _record_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._record_seq:
            return
        self._record_loading = False
        show_error(self, exc)

    @property
    def record(self) -> ClientRecord | None:
        return self.record_panel.record

    def _update_actions(self) -> None:
        bus, actor = self.ctx.bus, self.actor
        self.record_panel.set_actions_allowed(
            book=bus.may(actor, BookAppointment),
            edit=bus.may(actor, UpdateClient),
            archive=bus.may(actor, ArchiveClient),
            sell=bus.may(actor, SellCreditPack),
            adjust=bus.may(actor, AdjustCredits),
        )

    # --- actions ---------------------------------------------------------

    def new_client(self) -> None:
        dialog = ClientDialog(self.ctx, self.actor, prefill=self.search.text(), parent=self)
        self._open_client_dialog(dialog)

    def edit_client(self) -> None:
        record = self.record
        if record is None or record.archived or not self.record_panel.edit_button.isEnabled():
            return
        self._open_client_dialog(ClientDialog(self.ctx, self.actor, record=record, parent=self))

    def _open_client_dialog(self, dialog: ClientDialog) -> None:
        self.client_dialog = dialog
        dialog.saved.connect(self._client_saved)
        dialog.existing_chosen.connect(self._go_to_client)
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def _client_saved(self, client_id: uuid.UUID) -> None:
        dialog = self.client_dialog
        name = dialog.full_name.text().strip() if dialog is not None else ""
        if dialog is not None and dialog.record is None:
            # Show the new client among the results, selected.
            self._select_when_found = client_id
            self.shown_client_id = client_id
            self.search.setText(name)
            # Search again even when the text was already the name (no match before).
            self._stale = True
            self._search_timer.start()
        self._reload_record()

    def open_client(self, client_id: uuid.UUID, typed: str) -> None:
        """Search for `typed` and show the client's record, selected among the results."""
        self._select_when_found = client_id
        self.show_client(client_id)
        self.search.setText(typed)

    def _go_to_client(self, client_id: uuid.UUID) -> None:
        self._select_when_found = client_id
        self.show_client(client_id)
        if not self.select_client(client_id):
            # Not among the rows shown: look them up by the details typed.
            dialog = self.client_dialog
            if dialog is not None:
                match = next((m for m in dialog.duplicates if m.client_id == client_id), None)
                if match is not None:
                    self.search.setText(match.full_name)

    def archive_client(self) -> None:
        record = self.record
        if record is None or record.archived:
            return
        dialog = ArchiveClientDialog(self.ctx, self.actor, record, parent=self)
        self.archive_dialog = dialog
        dialog.archived.connect(lambda _id: self._reload_record())
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    def book(self) -> None:
        record = self.record
        if record is None or record.archived:
            return
        dialog = BookingDialog(self.ctx, self.actor, client_id=record.id, parent=self)
        self.booking_dialog = dialog
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        dialog.open()

    # --- credits ---------------------------------------------------------

    def sell_pack(self) -> None:
        record = self.record
        if (
            record is None
            or record.archived
            or not self.record_panel.credits.sell_button.isEnabled()
        ):
            return
        dialog = SellPackDialog(
            self.ctx, self.actor, client_id=record.id, client_name=record.full_name, parent=self
        )
        dialog.succeeded.connect(self._sold)
        self.sell_dialog = open_in_place(self.sell_dialog, dialog)

    def _sold(self, result: object) -> None:
        self.record_panel.show_credits_tab()
        self._reload_record()
        if isinstance(result, SaleResult):
            self.show_receipt(payment_id=result.payment_id)

    def adjust_credits(self) -> None:
        record, data = self.record, self._record_data
        if record is None or data is None or not self.ctx.bus.may(self.actor, AdjustCredits):
            return
        dialog = AdjustCreditsDialog(
            self.ctx,
            self.actor,
            client_id=record.id,
            client_name=record.full_name,
            balance=data.credits.balance if data.credits else record.balance,
            usable=data.credits.usable if data.credits else None,
            now=self.ctx.clock.now(),
            tz=data.tz,
            parent=self,
        )
        dialog.succeeded.connect(lambda _r: self._reload_record())
        self.adjust_dialog = open_in_place(self.adjust_dialog, dialog)

    def show_receipt(
        self, receipt_number: str | None = None, *, payment_id: uuid.UUID | None = None
    ) -> None:
        """The receipt of a sale, beside the page (not modal: the desk carries on)."""
        window = ReceiptWindow(
            self.ctx, payment_id=payment_id, receipt_number=receipt_number, parent=self
        )
        self.receipt_window = open_in_place(self.receipt_window, window, modal=False)

    def _dialog_closed(self, dialog: QDialog) -> None:
        for name in ("client_dialog", "archive_dialog", "booking_dialog"):
            if getattr(self, name) is dialog:
                setattr(self, name, None)
        dialog.deleteLater()
