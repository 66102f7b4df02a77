"""Audit log (manager): every change, filtered by person, client, action and period.

The list shows the latest entries that match the filters; the selected
entry's changes are shown in full below it. Export writes every matching
entry (not only those listed) to CSV with the core's own format.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QModelIndex, QStringListModel, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.audit import queries as audit_queries
from desktop_app.audit.queries import AuditFilter, AuditLine
from desktop_app.clients import queries as client_queries
from desktop_app.clients.queries import ClientRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.queries import StaffRow
from ui.audit.audit_model import AuditLineTableModel
from ui.kit.command_dialog import error_text
from ui.kit.formatting import command_label, local_datetime
from ui.kit.ops import run_in_background
from ui.kit.page import DataView
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import fit_columns, sorting_proxy, table_view

LIST_LIMIT = 500
# Export has no limit of its own: a year of a busy clinic is some 100 000 lines.
EXPORT_LIMIT = 10_000_000
CLIENT_SEARCH_DELAY_MS = 200
DEFAULT_PERIOD_DAYS = 30


@dataclass(frozen=True)
class FilterState:
    """What the filter bar says, in plain values (read on the GUI thread)."""

    actor_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    command: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive

    def audit_filter(self, tz: ZoneInfo) -> AuditFilter:
        """Local dates to instants: from the start of `start` to the end of `end`."""
        return AuditFilter(
            actor_id=self.actor_id,
            client_id=self.client_id,
            command=self.command,
            start=dt.datetime.combine(self.start, dt.time(0), tz) if self.start else None,
            end=(
                dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tz)
                if self.end
                else None
            ),
        )

    @property
    def narrowed(self) -> bool:
        return any((self.actor_id, self.client_id, self.command, self.start, self.end))


@dataclass(frozen=True)
class AuditPage:
    tz: ZoneInfo
    lines: list[AuditLine]
    staff: list[StaffRow]
    commands: list[str]
    # "staff:<id>" / "practitioner:<id>" → a name, for the "About" column.
    names: dict[str, str]
    state: FilterState


def load_audit(db: Database, state: FilterState) -> AuditPage:
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    staff = staff_queries.staff_accounts(db)
    names = {f"staff:{s.id}": s.name for s in staff}
    names.update({f"practitioner:{p.id}": p.name for p in staff_queries.practitioners(db)})
    return AuditPage(
        tz,
        audit_queries.entries(db, state.audit_filter(tz), limit=LIST_LIMIT),
        staff,
        audit_queries.commands(db),
        names,
        state,
    )


def export_csv(db: Database, state: FilterState, path: Path) -> int:
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    lines = audit_queries.entries(db, state.audit_filter(tz), limit=EXPORT_LIMIT)
    # With a byte-order mark, spreadsheet programs read accents in names correctly.
    path.write_text(audit_queries.to_csv(lines), encoding="utf-8-sig", newline="")
    return len(lines)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


def _index_of(combo: QComboBox, value: object) -> int:
    """The item holding `value`, else the first ("Everyone", "All actions").

    Compared in Python: findData() matches a UUID only by identity.
    """
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), 0)


class ClientFilter(QLineEdit):
    """Type part of a client's name; pick one from the list to filter by them."""

    def __init__(self, ctx: Core, on_change: Callable[[], None]) -> None:
        super().__init__()
        self.ctx = ctx
        self.client_id: uuid.UUID | None = None
        self.client_name = ""
        self._on_change = on_change
        self._matches: dict[str, ClientRow] = {}
        self._searching = 0
        self.setObjectName("clientFilter")
        self.setPlaceholderText("Any client")
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(170)
        self._list = QStringListModel(self)
        self._completer = QCompleter(self._list, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.activated.connect(self._picked)
        self.setCompleter(self._completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CLIENT_SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self.textEdited.connect(self._edited)
        # The clear button sets the text without textEdited.
        self.textChanged.connect(lambda text: self._edited(text) if not text else None)

    def is_searching(self) -> bool:
        return self._searching > 0 or self._timer.isActive()

    def _edited(self, text: str) -> None:
        if text in self._matches:
            return  # the completer putting a result's label in the field
        if self.client_id is not None and text != self.client_name:
            self.client_id = None
            self.client_name = ""
            self._on_change()
        if text.strip():
            self._timer.start()
        else:
            self._list.setStringList([])

    def _search(self) -> None:
        typed = self.text().strip()
        if not typed:
            return
        db = self.ctx.db
        self._searching += 1
        run_in_background(
            self,
            lambda: client_queries.search_clients(db, typed, limit=12),
            lambda rows: self._found(typed, rows),
            self._failed,
        )

    def _found(self, typed: str, rows: list[ClientRow]) -> None:
        self._searching -= 1
        if typed != self.text().strip():
            return  # typed on meanwhile: the next search's answer is the one to show
        self._matches = {}
        for row in rows:
            label = row.full_name
            extra = row.phone or row.email or (str(row.date_of_birth) if row.date_of_birth else "")
            if extra:
                label = f"{row.full_name} · {extra}"
            self._matches[label] = row
        self._list.setStringList(list(self._matches))
        if rows and self.hasFocus():
            self._completer.complete()

    def _failed(self, exc: BaseException) -> None:
        self._searching -= 1
        self.setToolTip(error_text(exc))

    def _picked(self, label: str) -> None:
        row = self._matches.get(label)
        if row is None:
            return
        self.choose(row.id, row.full_name)

    def choose(self, client_id: uuid.UUID, name: str) -> None:
        self.client_id = client_id
        self.client_name = name
        self.setText(name)
        # The completer puts the whole label in the field after this; the name wins.
        QTimer.singleShot(0, lambda: self.setText(self.client_name or self.text()))
        self._on_change()

    def clear_choice(self) -> None:
        self.client_id = None
        self.client_name = ""
        self.clear()


class AuditLogView(DataView[AuditPage]):
    TITLE = "Audit log"
    SUBTITLE = "Every change, newest first. Entries cannot be edited or removed."

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.page: AuditPage | None = None
        self.tz = ZoneInfo("UTC")
        self._known_commands: list[str] = []
        self._known_staff: list[StaffRow] = []
        self.last_export: Path | None = None
        self.exporting = False

        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear_filters)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip("Save every entry that matches the filters as a CSV file")
        self.export_button.clicked.connect(self.export)
        self.toolbar.addWidget(self.clear_button)
        self.toolbar.addWidget(self.export_button)

        bar = QFrame()
        bar.setObjectName("filterBar")
        bar.setProperty("clinicForm", True)
        filters = QHBoxLayout(bar)
        filters.setContentsMargins(12, 8, 12, 8)
        filters.setSpacing(8)
        self.person = QComboBox()
        self.person.setObjectName("personFilter")
        self.person.addItem("Everyone", None)
        self.person.setMinimumWidth(150)
        self.person.setMaxVisibleItems(20)
        self.client = ClientFilter(ctx, self._filters_changed)
        self.action = QComboBox()
        self.action.setObjectName("actionFilter")
        self.action.addItem("All actions", None)
        self.action.setMinimumWidth(150)
        self.action.setMaxVisibleItems(20)
        self.period = QCheckBox("From")
        self.period.setObjectName("periodFilter")
        self.period.setToolTip("Only entries between these two dates (both included)")
        today = dt.date.today()
        self.start_date = QDateEdit(_qdate(today - dt.timedelta(days=DEFAULT_PERIOD_DAYS)))
        self.end_date = QDateEdit(_qdate(today))
        for edit, name in ((self.start_date, "startDate"), (self.end_date, "endDate")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setEnabled(False)
            edit.setMinimumWidth(150)
        to_label = QLabel("to")
        to_label.setObjectName("toolbarCaption")
        # "Everyone", "Any client" and "All actions" say what each field is, so the
        # bar needs no captions and fits beside the period.
        for widget, name in (
            (self.person, "Person"),
            (self.client, "Client"),
            (self.action, "Action"),
        ):
            widget.setAccessibleName(name)
            widget.setToolTip(f"{name} the entries are about")
            filters.addWidget(widget, 1)
        self.person.setToolTip("Whose actions to list")
        self.action.setToolTip("Which kind of action to list")
        filters.addSpacing(8)
        filters.addWidget(self.period)
        filters.addWidget(self.start_date)
        filters.addWidget(to_label)
        filters.addWidget(self.end_date)
        self.body.addWidget(bar)

        self.person.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.action.currentIndexChanged.connect(lambda _i: self._filters_changed())
        self.period.toggled.connect(self._period_toggled)
        self.start_date.dateChanged.connect(lambda _d: self._dates_changed(self.start_date))
        self.end_date.dateChanged.connect(lambda _d: self._dates_changed(self.end_date))

        self.model = AuditLineTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=AuditLineTableModel.COL_SEQ,
            sort_order=Qt.SortOrder.DescendingOrder,
            stretch_column=AuditLineTableModel.COL_TARGET,
        )
        self.table.setObjectName("auditTable")
        self.table.selectionModel().currentRowChanged.connect(self._entry_chosen)

        detail = QFrame()
        detail.setObjectName("profileCard")
        detail.setProperty("clinicForm", True)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(14, 10, 14, 12)
        detail_layout.setSpacing(6)
        self.detail_title = QLabel("Select an entry to see what changed.")
        self.detail_title.setObjectName("cardTitle")
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setObjectName("gridHint")
        self.detail_meta.setWordWrap(True)
        self.detail_meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.changes = QPlainTextEdit()
        self.changes.setObjectName("changesText")
        self.changes.setReadOnly(True)
        self.changes.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSize(max(9, QFont().pointSize() - 1))
        self.changes.setFont(mono)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail_meta)
        detail_layout.addWidget(self.changes, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setObjectName("auditSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.table)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 220])
        self.body.addWidget(splitter, 1)
        self.status = QLabel()
        self.status.setObjectName("helpLine")
        self.status.setWordWrap(True)
        self.body.addWidget(self.status)

    # --- filters ---------------------------------------------------------

    def filter_state(self) -> FilterState:
        dated = self.period.isChecked()
        return FilterState(
            actor_id=self.person.currentData(),
            client_id=self.client.client_id,
            command=self.action.currentData(),
            start=_pydate(self.start_date.date()) if dated else None,
            end=_pydate(self.end_date.date()) if dated else None,
        )

    def _filters_changed(self) -> None:
        self._stale = True
        self.refresh()

    def _period_toggled(self, on: bool) -> None:
        self.start_date.setEnabled(on)
        self.end_date.setEnabled(on)
        self._filters_changed()

    def _dates_changed(self, edited: QDateEdit) -> None:
        # Keep the period the right way round whichever end moved.
        if self.start_date.date() > self.end_date.date():
            other = self.end_date if edited is self.start_date else self.start_date
            other.blockSignals(True)
            other.setDate(edited.date())
            other.blockSignals(False)
        if self.period.isChecked():
            self._filters_changed()

    def clear_filters(self) -> None:
        for combo in (self.person, self.action):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.client.blockSignals(True)
        self.client.clear_choice()
        self.client.blockSignals(False)
        self.period.blockSignals(True)
        self.period.setChecked(False)
        self.period.blockSignals(False)
        self.start_date.setEnabled(False)
        self.end_date.setEnabled(False)
        self._filters_changed()

    def set_person(self, account_id: uuid.UUID | None) -> None:
        self.person.setCurrentIndex(_index_of(self.person, account_id))

    def set_action(self, command: str | None) -> None:
        self.action.setCurrentIndex(_index_of(self.action, command))

    def set_period(self, start: dt.date, end: dt.date) -> None:
        self.period.blockSignals(True)
        self.period.setChecked(True)
        self.period.blockSignals(False)
        for edit, day in ((self.start_date, start), (self.end_date, end)):
            edit.blockSignals(True)
            edit.setEnabled(True)
            edit.setDate(_qdate(day))
            edit.blockSignals(False)
        self._filters_changed()

    # --- loading ---------------------------------------------------------

    def fetch(self) -> Callable[[], AuditPage]:
        db, state = self.ctx.db, self.filter_state()
        return lambda: load_audit(db, state)

    def apply(self, data: AuditPage) -> None:
        self.page = data
        self.tz = data.tz
        self.model.set_context(data.tz, data.names)
        self.model.set_rows(data.lines)
        self._fill_people(data.staff)
        self._fill_actions(data.commands)
        fit_columns(self.table)
        n = len(data.lines)
        if n >= LIST_LIMIT:
            summary = (
                f"The latest {LIST_LIMIT} matching entries are listed. Narrow the filters to go "
                "further back; Export CSV writes every matching entry."
            )
        elif n == 0:
            summary = (
                "No entry matches these filters."
                if data.state.narrowed
                else "The audit log is empty."
            )
        else:
            if data.state.narrowed:
                summary = f"{n} entr{'y matches' if n == 1 else 'ies match'} the filters."
            else:
                summary = f"{n} entr{'y' if n == 1 else 'ies'}."
        if not self.exporting:
            self.status.setText(summary)
        if not self.table.currentIndex().isValid():
            self._show_entry(None)

    def _fill_people(self, staff: list[StaffRow]) -> None:
        if staff == self._known_staff:
            return
        self._known_staff = staff
        chosen = self.person.currentData()
        self.person.blockSignals(True)
        self.person.clear()
        self.person.addItem("Everyone", None)
        for row in staff:
            label = row.name if row.is_active else f"{row.name} (deactivated)"
            self.person.addItem(label, row.id)
        self.person.setCurrentIndex(_index_of(self.person, chosen))
        self.person.blockSignals(False)

    def _fill_actions(self, commands: list[str]) -> None:
        if commands == self._known_commands:
            return
        self._known_commands = commands
        chosen = self.action.currentData()
        self.action.blockSignals(True)
        self.action.clear()
        self.action.addItem("All actions", None)
        for command in sorted(commands, key=command_label):
            self.action.addItem(command_label(command), command)
        self.action.setCurrentIndex(_index_of(self.action, chosen))
        self.action.blockSignals(False)

    # --- the selected entry ----------------------------------------------

    def _entry_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        line = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        self._show_entry(line if isinstance(line, AuditLine) else None)

    def selected_entry(self) -> AuditLine | None:
        index = self.table.currentIndex()
        line = self.proxy.data(index, ROW_ROLE) if index.isValid() else None
        return line if isinstance(line, AuditLine) else None

    def _show_entry(self, line: AuditLine | None) -> None:
        if line is None:
            self.detail_title.setText("Select an entry to see what changed.")
            self.detail_meta.setText("")
            self.changes.setPlainText("")
            return
        self.detail_title.setText(
            f"#{line.seq}  {command_label(line.command)}  ·  by {line.actor or 'the system'}"
        )
        parts = [local_datetime(line.at, self.tz), f"workstation {line.workstation}"]
        if line.target:
            parts.append(f"target {line.target}")
        self.detail_meta.setText("  ·  ".join(parts))
        self.changes.setPlainText(
            json.dumps(line.changes, indent=2, sort_keys=True, ensure_ascii=False)
            if line.changes
            else "No details were recorded for this entry."
        )

    # --- export ----------------------------------------------------------

    def export(self) -> None:
        if self.exporting:
            return
        suggested = f"audit-log-{dt.date.today():%Y-%m-%d}.csv"
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export the audit log", suggested, "CSV files (*.csv)"
        )
        if not path:
            return
        target = Path(path)
        if not target.suffix:
            target = target.with_suffix(".csv")
        self.exporting = True
        self.export_button.setEnabled(False)
        self.export_button.setText("Exporting…")
        self.status.setText(f"Exporting to {target}…")
        db, state = self.ctx.db, self.filter_state()
        run_in_background(
            self,
            lambda: export_csv(db, state, target),
            lambda n: self._exported(target, n),
            self._export_failed,
        )

    def _exported(self, path: Path, count: int) -> None:
        self._export_done()
        self.last_export = path
        self.status.setText(f"Exported {count} entr{'y' if count == 1 else 'ies'} to {path}.")

    def _export_failed(self, exc: BaseException) -> None:
        self._export_done()
        if isinstance(exc, OSError):
            self.status.setText(f"Could not write the file: {exc.strerror or exc}.")
        else:
            self.status.setText(f"The export failed: {error_text(exc)}")

    def _export_done(self) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
        self.export_button.setText("Export CSV…")

    def is_loaded(self) -> bool:
        return super().is_loaded() and not self.exporting and not self.client.is_searching()
