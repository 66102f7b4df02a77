"""My sessions (practitioner): their own appointments, 30 days back and ahead,
and the private notes of the selected one.

Notes are read by sending ReadSessionNotes through the bus (so every read is
audited) and written with WriteSessionNote; the core decides who may read or
write them (only the treating practitioner, only for sessions that happened).
A refused note is explained in the view and the typed text is kept.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.booking import queries as booking_queries
from desktop_app.booking.commands import ReadSessionNotes, WriteSessionNote
from desktop_app.booking.events import AppointmentChanged
from desktop_app.booking.queries import AppointmentRow
from desktop_app.booking.results import NoteRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import practitioner_queries
from ui.kit.command_dialog import error_text
from ui.kit.formatting import APPOINTMENT_STATUS_LABELS, local_datetime, time_range
from ui.kit.ops import run_in_background
from ui.kit.page import DataView
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.schedule.my_sessions_model import SessionTableModel

PERIOD_DAYS = 30


@dataclass(frozen=True)
class SessionsData:
    tz: ZoneInfo
    # None: the logged-in account has no practitioner profile.
    practitioner_id: uuid.UUID | None
    appointments: list[AppointmentRow]


def load_sessions(ctx: Core, account_id: uuid.UUID | None) -> SessionsData:
    db = ctx.db
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    pid = (
        practitioner_queries.practitioner_of_account(db, account_id)
        if account_id is not None
        else None
    )
    if pid is None:
        return SessionsData(tz, None, [])
    now = ctx.clock.now()
    rows = booking_queries.appointments_between(
        db, now - timedelta(days=PERIOD_DAYS), now + timedelta(days=PERIOD_DAYS), [pid]
    )
    return SessionsData(tz, pid, rows)


class MySessionsView(DataView[SessionsData]):
    TITLE = "My sessions"
    SUBTITLE = "Your appointments, and private notes only you can read"
    REFRESH_ON = (AppointmentChanged, DemoClinicSeeded)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.tz: ZoneInfo | None = None
        self.current: AppointmentRow | None = None
        self.notes: list[NoteRow] = []
        self._reading = 0
        self._writing = False

        self.model = SessionTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=SessionTableModel.COL_DATE,
            stretch_column=SessionTableModel.COL_CLIENT,
        )
        # A stretching client column is the first to be squeezed to nothing
        # beside the notes panel; a fixed width keeps names readable.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(
            SessionTableModel.COL_CLIENT, QHeaderView.ResizeMode.Interactive
        )
        header.resizeSection(SessionTableModel.COL_CLIENT, 170)
        header.setStretchLastSection(True)
        self.table.setObjectName("sessionsTable")
        self.table.setAccessibleName("My appointments")
        self.table.selectionModel().currentRowChanged.connect(self._chosen)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(6)
        left_layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setObjectName("helpLine")
        self.status.setWordWrap(True)
        left_layout.addWidget(self.status)

        detail = QFrame()
        detail.setObjectName("profileCard")
        detail.setProperty("clinicForm", True)
        detail.setMinimumWidth(320)
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(14, 10, 14, 12)
        detail_layout.setSpacing(8)
        self.detail_title = QLabel("Select an appointment to see its notes.")
        self.detail_title.setObjectName("cardTitle")
        self.detail_title.setWordWrap(True)
        self.detail_meta = QLabel()
        self.detail_meta.setObjectName("gridHint")
        self.detail_meta.setWordWrap(True)
        self.notes_list = QListWidget()
        self.notes_list.setObjectName("notesList")
        self.notes_list.setAccessibleName("Session notes")
        self.notes_list.setWordWrap(True)
        self.notes_list.setAlternatingRowColors(True)
        self.notes_list.setSpacing(3)
        self.notes_error = QLabel()
        self.notes_error.setObjectName("errorText")
        self.notes_error.setWordWrap(True)
        self.notes_error.setVisible(False)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setAccessibleName("New note")
        self.note_edit.setPlaceholderText("Write a private note about this session…")
        self.note_edit.setMaximumHeight(110)
        self.add_button = QPushButton("Add note")
        self.add_button.setObjectName("primaryButton")
        self.add_button.clicked.connect(self.add_note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail_meta)
        detail_layout.addWidget(self.notes_list, 1)
        detail_layout.addWidget(self.notes_error)
        detail_layout.addWidget(self.note_edit)
        detail_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("sessionsSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        self.body.addWidget(splitter, 1)
        self._show_appointment(None)

    # --- loading ---------------------------------------------------------

    def fetch(self) -> Callable[[], SessionsData]:
        ctx, account_id = self.ctx, self.actor.account_id
        return lambda: load_sessions(ctx, account_id)

    def apply(self, data: SessionsData) -> None:
        self.tz = data.tz
        self.model.tz = data.tz
        self.model.set_rows(data.appointments)
        fit_columns(self.table)
        n = len(data.appointments)
        if data.practitioner_id is None:
            self.status.setText("Your account has no practitioner profile, so no sessions.")
        elif n == 0:
            self.status.setText(f"No appointments in the {PERIOD_DAYS} days before or after today.")
        else:
            self.status.setText(
                f"{n} appointment{'' if n == 1 else 's'} from {PERIOD_DAYS} days ago "
                f"to {PERIOD_DAYS} days ahead."
            )
        # The selected appointment may have changed (cancelled, moved) or gone.
        row = self.selected_appointment()
        if row is None:
            self._show_appointment(None)
        elif row != self.current:
            self._show_appointment(row, reload_notes=row.id != getattr(self.current, "id", None))

    def is_loaded(self) -> bool:
        return super().is_loaded() and self._reading == 0 and not self._writing

    # --- the selected appointment ----------------------------------------

    def selected_appointment(self) -> AppointmentRow | None:
        index = self.table.currentIndex()
        row = self.proxy.data(index, ROW_ROLE) if index.isValid() else None
        return row if isinstance(row, AppointmentRow) else None

    def select_appointment(self, appointment_id: uuid.UUID) -> bool:
        for r in range(self.proxy.rowCount()):
            index = self.proxy.index(r, 0)
            row = self.proxy.data(index, ROW_ROLE)
            if isinstance(row, AppointmentRow) and row.id == appointment_id:
                self.table.setCurrentIndex(index)
                return True
        return False

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.proxy.data(current, ROW_ROLE) if current.isValid() else None
        self._show_appointment(row if isinstance(row, AppointmentRow) else None)

    def _show_appointment(self, row: AppointmentRow | None, *, reload_notes: bool = True) -> None:
        previous = self.current
        self.current = row
        if row is None:
            self.detail_title.setText("Select an appointment to see its notes.")
            self.detail_meta.setText("")
            self._set_notes([])
            self._set_error("")
            self.note_edit.setEnabled(False)
            self.add_button.setEnabled(False)
            return
        tz = self.tz or ZoneInfo("UTC")
        self.detail_title.setText(f"{row.client_name}  ·  {row.service_name}")
        day = row.starts_at.astimezone(tz)
        self.detail_meta.setText(
            f"{day:%a} {day.day} {day:%b %Y}, {time_range(row.starts_at, row.ends_at, tz)}"
            f"  ·  {APPOINTMENT_STATUS_LABELS[row.status]}  ·  {row.reference}"
        )
        self.note_edit.setEnabled(True)
        self.add_button.setEnabled(not self._writing)
        if previous is None or previous.id != row.id:
            # A note typed for another session does not belong to this one.
            self.note_edit.clear()
            self._set_error("")
        if reload_notes:
            self._read_notes(row.id)

    def _read_notes(self, appointment_id: uuid.UUID) -> None:
        self._set_notes([])
        self.notes_list.addItem("Loading notes…")
        self._reading += 1
        bus, actor = self.ctx.bus, self.actor
        run_in_background(
            self,
            lambda: bus.handle(ReadSessionNotes(appointment_id=appointment_id), actor),
            lambda result: self._notes_read(appointment_id, result),
            lambda exc: self._notes_failed(appointment_id, exc),
        )

    def _notes_read(self, appointment_id: uuid.UUID, result: object) -> None:
        self._reading -= 1
        if self.current is None or self.current.id != appointment_id:
            return  # another appointment was chosen meanwhile
        self._set_notes(list(result) if isinstance(result, list) else [])
        self._done_if_idle()

    def _notes_failed(self, appointment_id: uuid.UUID, exc: BaseException) -> None:
        self._reading -= 1
        if self.current is None or self.current.id != appointment_id:
            return
        self._set_notes([])
        self._set_error(f"Could not read the notes: {error_text(exc)}")
        self._done_if_idle()

    def _set_notes(self, notes: list[NoteRow]) -> None:
        self.notes = notes
        self.notes_list.clear()
        tz = self.tz or ZoneInfo("UTC")
        for note in notes:
            item = QListWidgetItem(f"{local_datetime(note.written_at, tz)}\n{note.body}")
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.notes_list.addItem(item)
        if not notes and self.current is not None and self._reading == 0:
            empty = QListWidgetItem("No notes yet for this session.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.notes_list.addItem(empty)

    def _set_error(self, text: str) -> None:
        self.notes_error.setText(text)
        self.notes_error.setVisible(bool(text))

    def _done_if_idle(self) -> None:
        if self.is_loaded():
            self.loaded.emit()

    # --- writing ---------------------------------------------------------

    def add_note(self) -> None:
        row = self.current
        if row is None or self._writing:
            return
        body = self.note_edit.toPlainText()
        self._writing = True
        self.add_button.setEnabled(False)
        self._set_error("")
        bus, actor, appointment_id = self.ctx.bus, self.actor, row.id
        run_in_background(
            self,
            lambda: bus.handle(WriteSessionNote(appointment_id=appointment_id, body=body), actor),
            lambda _result: self._note_written(appointment_id),
            self._note_failed,
        )

    def _note_written(self, appointment_id: uuid.UUID) -> None:
        self._writing = False
        self.add_button.setEnabled(self.current is not None)
        if self.current is not None and self.current.id == appointment_id:
            self.note_edit.clear()
            self._read_notes(appointment_id)
        self._done_if_idle()

    def _note_failed(self, exc: BaseException) -> None:
        self._writing = False
        self.add_button.setEnabled(self.current is not None)
        # The typed text stays in the box, to fix or copy elsewhere.
        self._set_error(error_text(exc))
        self._done_if_idle()
