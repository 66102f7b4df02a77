"""Today: the front desk's home, a resource day view of the whole clinic.

Practitioners are columns, the day's hours rows; appointments are blocks
coloured by status; the free times for the service chosen at the top are light
cells, and clicking one books it. The desk drives it from the keyboard:

    W  walk-in: the next free time with anyone, client field focused
       (type the name, Enter takes the first match, Enter books)
    N  select the next free time in the grid; Enter books it
    ← → previous / next day, T today, ↑ ↓ walk through the appointments
    C check in, S start, D complete, X no-show, Del cancel, R move

A day switch loads the appointments and the free times in parallel off the
GUI thread; the neighbouring days are fetched ahead afterwards, so stepping
through the week is instant. Anything a command changes invalidates that
cache (the bus tells us).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import ClassVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QWidget,
)

from desktop_app.availability import slot_queries
from desktop_app.availability.events import AvailabilityChanged
from desktop_app.availability.slot_engine import Slot
from desktop_app.booking.events import AppointmentChanged, HoldChanged
from desktop_app.booking.queries import AppointmentRow
from desktop_app.booking.results import BookingResult
from desktop_app.clients.events import ClientChanged
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.events import Event
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from ui.booking.appointment_actions import STEPS, AppointmentActions, Step, enabled_steps
from ui.booking.booking_dialog import BookingDialog, combo_index
from ui.kit.formatting import APPOINTMENT_STATUS_LABELS, long_date, time_range
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, empty_state
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.today.appointments_model import AppointmentTableModel
from ui.today.day_data import (
    CACHE_SECONDS,
    META_SECONDS,
    NOW_TICK_MS,
    DayData,
    DayMeta,
    list_order,
    load_day,
    summary_text,
)
from ui.today.day_layout import Block, BlockKind, DayLayout, build_layout
from ui.today.day_view import DayGrid, day_label

# Non-breaking spaces keep each key with its meaning when the line wraps.
HELP_TEXT = "   ".join(
    item.replace(" ", "\u00a0")
    for item in (
        "W walk-in (name, Enter, Enter)",
        "N next free time, Enter to book",
        "← → day",
        "T today",
        "↑ ↓ appointments",
        "C check in",
        "S start",
        "D complete",
        "X no-show",
        "Del cancel",
        "R move",
    )
)


class TodayView(DataView[DayData]):
    TITLE = "Today"
    REFRESH_ON: ClassVar[tuple[type[Event], ...] | None] = (
        AppointmentChanged,
        HoldChanged,
        AvailabilityChanged,
        ClientChanged,
        ClinicSettingsChanged,
        DemoClinicSeeded,
        StaffAccountCreated,
        StaffAccountChanged,
        PractitionerChanged,
    )

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        # Days from today; "today" itself is decided in the clinic's zone at load time.
        self._offset = 0
        self._meta: DayMeta | None = None
        self._service_id: uuid.UUID | None = None
        self._cache: dict[tuple[date, uuid.UUID | None], DayData] = {}
        self._cache_generation = 0
        self.data: DayData | None = None
        self.day_layout: DayLayout | None = None
        self._pending_select: tuple[object, ...] | None = None
        self.booking_dialog: BookingDialog | None = None
        self.prefetch = True

        self._build_toolbar()
        self._build_body()
        self.appointment_actions = AppointmentActions(ctx, actor, self)
        self.appointment_actions.message.connect(self.show_message)
        self._build_shortcuts()

        self._now_timer = QTimer(self)
        self._now_timer.setInterval(NOW_TICK_MS)
        self._now_timer.timeout.connect(self._tick)
        self._now_timer.start()

    # --- building --------------------------------------------------------

    def _build_toolbar(self) -> None:
        previous = QPushButton("‹")
        previous.setObjectName("dayButton")
        previous.setToolTip("The day before (←)")
        previous.clicked.connect(lambda: self._move(-1))
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Back to today (T)")
        self.today_button.clicked.connect(lambda: self._move(-self._offset))
        following = QPushButton("›")
        following.setObjectName("dayButton")
        following.setToolTip("The day after (→)")
        following.clicked.connect(lambda: self._move(1))
        for button in (previous, self.today_button, following):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.toolbar.addWidget(button)
        self.toolbar.addSpacing(16)
        self.book_button = QPushButton("New booking…")
        self.book_button.setToolTip("Book for any client, service and time (B)")
        self.book_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.book_button.clicked.connect(lambda: self.open_booking())
        self.toolbar.addWidget(self.book_button)
        self.walk_in_button = QPushButton("Walk-in  W")
        self.walk_in_button.setObjectName("primaryButton")
        self.walk_in_button.setToolTip("The next free time with anyone for the chosen service (W)")
        self.walk_in_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.walk_in_button.clicked.connect(self.walk_in)
        self.toolbar.addWidget(self.walk_in_button)

    def _build_body(self) -> None:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.summary = QLabel()
        self.summary.setObjectName("summaryLine")
        # Shrinks rather than pushing the controls off: the full text is its tooltip.
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.summary, 1)
        self.free_caption = QLabel("Free times for")
        self.free_caption.setObjectName("toolbarCaption")
        row.addWidget(self.free_caption)
        self.service_combo = QComboBox()
        self.service_combo.setObjectName("serviceCombo")
        self.service_combo.setAccessibleName("Free times for service")
        self.service_combo.setMinimumWidth(240)
        self.service_combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.service_combo.currentIndexChanged.connect(self._service_changed)
        row.addWidget(self.service_combo)
        self.body.addLayout(row)

        self.banner = QLabel()
        self.banner.setObjectName("actionBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self._banner_timer = QTimer(self)
        self._banner_timer.setSingleShot(True)
        self._banner_timer.setInterval(8000)
        self._banner_timer.timeout.connect(lambda: self.banner.setVisible(False))
        self.body.addWidget(self.banner)

        self.grid = DayGrid()
        self.grid.setObjectName("dayGrid")
        self.grid.selection_changed.connect(self._selection_changed)
        self.grid.free_clicked.connect(self._free_clicked)
        self.grid.activated.connect(self._activated)
        self.grid.menu_requested.connect(self._menu)
        self.grid_frame = QFrame()
        self.grid_frame.setObjectName("dayGridFrame")
        frame_layout = QHBoxLayout(self.grid_frame)
        frame_layout.setContentsMargins(1, 1, 1, 1)
        frame_layout.addWidget(self.grid)

        self.model = AppointmentTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=AppointmentTableModel.COL_PRACTITIONER,
            stretch_column=AppointmentTableModel.COL_CLIENT,
        )
        # While the grid is shown the list is not sorted by the proxy (a sort
        # calls back into Python for every comparison: tens of milliseconds per
        # day switch); the rows arrive sorted as it would sort them by default.
        self.proxy.sort(-1)
        self.table.selectionModel().currentRowChanged.connect(self._table_selection)
        self.table.doubleClicked.connect(lambda _: self._table_activated())
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No appointments on this day.")
        self.pages.addWidget(self.empty)

        self.modes = QStackedWidget()
        self.modes.addWidget(self.grid_frame)
        self.modes.addWidget(self.pages)
        self.body.addWidget(self.modes, 1)

        self.selection_bar = QFrame()
        self.selection_bar.setObjectName("selectionBar")
        bar = QHBoxLayout(self.selection_bar)
        bar.setContentsMargins(12, 6, 8, 6)
        bar.setSpacing(6)
        self.selection_label = QLabel()
        self.selection_label.setObjectName("selectionText")
        self.selection_label.setTextFormat(Qt.TextFormat.PlainText)
        self.selection_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.selection_label, 1)
        self.step_buttons: dict[str, QPushButton] = {}
        for step in STEPS:
            button = QPushButton(f"{step.label}  {step.shortcut}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, s=step: self.run_step(s))
            self.step_buttons[step.key] = button
            bar.addWidget(button)
        cancel = QPushButton("Cancel…  Del")
        cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        cancel.clicked.connect(self.cancel_selected)
        self.step_buttons["cancel"] = cancel
        move = QPushButton("Move…  R")
        move.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        move.clicked.connect(self.reschedule_selected)
        self.step_buttons["reschedule"] = move
        self.book_here_button = QPushButton("Book this time  Enter")
        self.book_here_button.setObjectName("primaryButton")
        self.book_here_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.book_here_button.clicked.connect(self._book_selected_free)
        for button in (cancel, move, self.book_here_button):
            bar.addWidget(button)
        self.body.addWidget(self.selection_bar)

        bottom = QHBoxLayout()
        bottom.setSpacing(8)
        self.help_line = QLabel(HELP_TEXT)
        self.help_line.setObjectName("helpLine")
        self.help_line.setWordWrap(True)
        bottom.addWidget(self.help_line, 1)
        self.cancelled_check = QCheckBox("Show cancelled")
        self.cancelled_check.setChecked(True)
        self.cancelled_check.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancelled_check.toggled.connect(lambda _: self._relayout())
        bottom.addWidget(self.cancelled_check)
        bottom.addSpacing(6)
        self.mode_group = QButtonGroup(self)
        self.day_mode = QPushButton("Day")
        self.list_mode = QPushButton("List")
        for i, button in enumerate((self.day_mode, self.list_mode)):
            button.setCheckable(True)
            button.setObjectName("segmentLeft" if i == 0 else "segmentRight")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.mode_group.addButton(button, i)
            bottom.addWidget(button)
        self.day_mode.setChecked(True)
        self.mode_group.idClicked.connect(self._mode_changed)
        self.body.addLayout(bottom)
        self._selection_changed(None)

    def _build_shortcuts(self) -> None:
        # Window-wide while this page is shown (Qt ignores shortcuts of hidden
        # widgets), so the keys work wherever the focus is, e.g. still in the
        # navigation list after choosing Today.
        bindings: list[tuple[str, Callable[[], object]]] = [
            ("Left", lambda: self._move(-1)),
            ("Right", lambda: self._move(1)),
            ("T", lambda: self._move(-self._offset)),
            ("N", self.select_next_free),
            ("W", self.walk_in),
            ("B", lambda: self.open_booking()),
            ("Del", self.cancel_selected),
            ("R", self.reschedule_selected),
        ]
        for step in STEPS:
            bindings.append((step.shortcut, partial(self.run_step, step)))
        self.shortcuts: dict[str, QShortcut] = {}
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self.shortcuts[key] = shortcut

    # --- loading ---------------------------------------------------------

    def _now(self) -> datetime:
        return self.ctx.clock.now()

    def _day_for(self, offset: int) -> date | None:
        if self._meta is None:
            return None
        return self._now().astimezone(self._meta.tz).date() + timedelta(days=offset)

    def fetch(self) -> Callable[[], DayData]:
        if self._meta is not None and time.monotonic() - self._meta.loaded_at > META_SECONDS:
            self._invalidate(meta=True)
        db, now, offset, sid, meta = (
            self.ctx.db,
            self._now(),
            self._offset,
            self._service_id,
            self._meta,
        )
        generation = self._cache_generation
        day = self._day_for(offset)
        cached = self._cache.get((day, sid)) if day is not None else None
        if cached is not None and time.monotonic() - cached.loaded_at < CACHE_SECONDS:
            # Still a trip through the worker, so the view's loading states stay
            # the same whatever answered; it costs a millisecond.
            fresh = replace(cached, now=now)
            return lambda: fresh
        return lambda: replace(load_day(db, now, offset, sid, meta), generation=generation)

    def apply(self, data: DayData) -> None:
        self.data = data
        self._meta = data.meta
        if data.generation == self._cache_generation:
            self._cache[(data.day, data.service_id)] = data
        self._fill_services(data)
        self.title_label.setText(day_label(data.day, data.today))
        self.set_subtitle(long_date(data.day))
        self.today_button.setEnabled(data.day != data.today)
        self.model.set_timezone(data.meta.tz)
        self.model.set_rows(sorted(data.rows, key=list_order))
        self.pages.setCurrentWidget(self.table if data.rows else self.empty)
        if self.modes.currentWidget() is self.pages:
            fit_columns(self.table)
        self._relayout()
        # A load that started before the change may not have it yet: the key
        # waits for the load that does.
        if self._pending_select is not None and self.grid.select_key(self._pending_select):
            self._pending_select = None
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)
        self._prefetch_neighbours(data)

    def _relayout(self) -> None:
        data = self.data
        if data is None:
            return
        service = data.service
        self.day_layout = build_layout(
            data.day,
            data.meta.tz,
            data.meta.practitioners,
            data.rows,
            data.slots,
            duration_min=service.duration_min if service else 0,
            show_cancelled=self.cancelled_check.isChecked(),
        )
        self.grid.set_empty_text(
            "No practitioners are taking bookings yet." if not self.day_layout.columns else ""
        )
        self.grid.set_layout(self.day_layout, data.meta.tz, self._now())
        summary = self._summary(data, self.day_layout)
        self.summary.setText(summary)
        self.summary.setToolTip(summary)

    def _summary(self, data: DayData, layout: DayLayout) -> str:
        if data.service is not None and data.day >= data.today:
            free = sum(c.free for c in layout.columns)
            self.free_caption.setText(f"{free} free time{'s' if free != 1 else ''} for")
        else:
            self.free_caption.setText("Free times for")
        return summary_text(data.rows) or "No appointments"

    def _fill_services(self, data: DayData) -> None:
        current = [self.service_combo.itemData(i) for i in range(self.service_combo.count())]
        wanted = [s.id for s in data.meta.services]
        if current != wanted:
            self.service_combo.blockSignals(True)
            self.service_combo.clear()
            for s in data.meta.services:
                self.service_combo.addItem(f"{s.name} · {s.duration_min} min", s.id)
            self.service_combo.blockSignals(False)
        index = combo_index(self.service_combo, data.service_id)
        if index >= 0 and index != self.service_combo.currentIndex():
            self.service_combo.blockSignals(True)
            self.service_combo.setCurrentIndex(index)
            self.service_combo.blockSignals(False)
        self._service_id = data.service_id

    def _prefetch_neighbours(self, data: DayData) -> None:
        if not self.prefetch or not self.isVisible():
            return
        generation = self._cache_generation
        db, meta, sid = self.ctx.db, data.meta, data.service_id
        for step in (1, -1):
            day = data.day + timedelta(days=step)
            if (day, sid) in self._cache:
                continue
            offset = (day - data.today).days
            now = self._now()

            def store(result: DayData, generation: int = generation) -> None:
                if generation == self._cache_generation:
                    key = (result.day, result.service_id)
                    self._cache.setdefault(key, replace(result, generation=generation))

            run_in_background(
                self,
                partial(load_day, db, now, offset, sid, meta),
                store,
                lambda exc: None,  # only a head start: the real load reports errors
            )

    def _invalidate(self, *, meta: bool) -> None:
        self._cache.clear()
        self._cache_generation += 1
        if meta:
            self._meta = None

    def on_event(self, event: Event) -> None:
        if self.REFRESH_ON is not None and isinstance(event, self.REFRESH_ON):
            routine = isinstance(event, AppointmentChanged | HoldChanged | ClientChanged)
            self._invalidate(meta=not routine)
        super().on_event(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.grid.set_now(self._now())

    def _tick(self) -> None:
        if self.data is None:
            return
        self.grid.set_now(self._now())
        if self._day_for(0) != self.data.today and self.isVisible():
            # Midnight passed: "today" is another date now.
            self._invalidate(meta=False)
            self.refresh()

    # --- navigation ------------------------------------------------------

    def _move(self, days: int) -> None:
        if days:
            self._pending_select = None
            self._offset += days
            self.refresh()

    def show_day(self, day: date) -> None:
        today = self._day_for(0)
        if today is not None:
            self._move((day - today).days - self._offset)

    def step_days(self, days: int) -> None:
        """Show the day `days` after the one shown (what ← and → do)."""
        self._move(days)

    def forget_loaded_days(self) -> None:
        """Drop the days loaded and fetched ahead: the next day shown loads afresh."""
        self._invalidate(meta=False)

    def _service_changed(self) -> None:
        sid = self.service_combo.currentData()
        if isinstance(sid, uuid.UUID) and sid != self._service_id:
            self._service_id = sid
            self.refresh()

    def _mode_changed(self, mode: int) -> None:
        self.modes.setCurrentIndex(mode)
        header = self.table.horizontalHeader()
        if mode == 1:
            self.table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
            fit_columns(self.table)
        else:
            self.proxy.sort(-1)

    # --- selection -------------------------------------------------------

    def selected_appointment(self) -> AppointmentRow | None:
        if self.modes.currentWidget() is self.pages:
            index = self.table.currentIndex()
            if index.isValid():
                row = self.proxy.data(index, Qt.ItemDataRole.UserRole + 2)
                return row if isinstance(row, AppointmentRow) else None
            return None
        block = self.grid.selected_block()
        return block.appointment if block is not None else None

    def _selection_changed(self, block: Block | None) -> None:
        row = block.appointment if block is not None else None
        free = block is not None and block.kind is BlockKind.FREE
        tz = self.data.meta.tz if self.data else None
        if row is not None and tz is not None:
            when = time_range(row.starts_at, row.ends_at, tz)
            status = APPOINTMENT_STATUS_LABELS[row.status]
            self.selection_label.setText(f"{when}  {row.client_name} · {status}")
            self.selection_label.setToolTip(
                f"{row.reference}: {when}, {row.client_name}\n"
                f"{row.service_name} with {row.practitioner_name} · {status}"
            )
        elif free and block is not None and block.slot is not None and tz is not None:
            who = self.day_layout.columns[block.column].name if self.day_layout else ""
            service = self.data.service if self.data else None
            self.selection_label.setText(
                f"Free at {block.slot.start.astimezone(tz):%H:%M} with {who}"
                + (f" for {service.name}" if service else "")
            )
        else:
            self.selection_label.setText(
                "Click an appointment to act on it, or a free time to book it."
            )
        self._update_buttons(row)
        self.book_here_button.setVisible(free)

    def _table_selection(self) -> None:
        self._update_buttons(self.selected_appointment())

    def _update_buttons(self, row: AppointmentRow | None) -> None:
        enabled = enabled_steps(row.status) if row is not None else {}
        for key, button in self.step_buttons.items():
            button.setVisible(row is not None)
            button.setEnabled(enabled.get(key, False))

    def _table_activated(self) -> None:
        row = self.selected_appointment()
        if row is not None:
            self._appointment_menu(row, self.table.mapToGlobal(self.table.rect().center()))

    # --- booking ---------------------------------------------------------

    def _service_for_booking(self) -> uuid.UUID | None:
        return self._service_id

    def open_booking(
        self,
        *,
        practitioner_id: uuid.UUID | None = None,
        starts_at: datetime | None = None,
    ) -> BookingDialog:
        dialog = BookingDialog(
            self.ctx,
            self.actor,
            service_id=self._service_for_booking(),
            practitioner_id=practitioner_id,
            starts_at=starts_at,
            parent=self.window(),
        )
        return self._show_dialog(dialog)

    def walk_in(self) -> BookingDialog:
        dialog = BookingDialog.walk_in(
            self.ctx, self.actor, service_id=self._service_for_booking(), parent=self.window()
        )
        return self._show_dialog(dialog)

    def _show_dialog(self, dialog: BookingDialog) -> BookingDialog:
        self.booking_dialog = dialog
        dialog.booked.connect(self._booked)
        dialog.finished.connect(lambda _: dialog.deleteLater())
        dialog.open()
        return dialog

    def _booked(self, result: BookingResult) -> None:
        tz = self.data.meta.tz if self.data else ZoneInfo("UTC")
        self._pending_select = ("appointment", result.appointment_id)
        self.show_message(
            f"Booked {result.reference} for {result.starts_at.astimezone(tz):%a %d %b %H:%M}.",
            False,
        )
        # The bus event refreshes the view; if the booking is on another day the
        # selection waits for that day.

    def _free_clicked(self, block: Block) -> None:
        if block.slot is not None:
            slot = block.slot
            self.open_booking(practitioner_id=slot.practitioner_id, starts_at=slot.start)

    def _book_selected_free(self) -> None:
        block = self.grid.selected_block()
        if block is not None and block.kind is BlockKind.FREE:
            self._free_clicked(block)

    def _activated(self, block: Block) -> None:
        if block.kind is BlockKind.FREE:
            self._free_clicked(block)
        elif block.appointment is not None:
            rect = self.grid.block_rect(block)
            at = self.grid.viewport().mapToGlobal(rect.center().toPoint())
            self._appointment_menu(block.appointment, at)

    def select_next_free(self) -> None:
        sid = self._service_id
        if sid is None:
            self.show_message("The clinic offers no services yet.", True)
            return
        db, now = self.ctx.db, self._now()
        run_in_background(
            self,
            lambda: slot_queries.next_free_slot(db, sid, now),
            self._next_free_found,
            lambda exc: self.show_message(str(exc), True),
        )

    def _next_free_found(self, slot: Slot | None) -> None:
        if slot is None or self._meta is None:
            self.show_message("Nobody has a free time for this service in their horizon.", True)
            return
        key = ("free", slot.practitioner_id, slot.start)
        day = slot.start.astimezone(self._meta.tz).date()
        today = self._day_for(0)
        offset = (day - today).days if today is not None else 0
        if offset != self._offset or self.data is None or self.day_layout is None:
            self._pending_select = key
            self._offset = offset
            self.refresh()
            return
        if self.grid.select_key(key) is None:
            self._pending_select = key
            self._invalidate(meta=False)
            self.refresh()
            return
        self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- the life cycle --------------------------------------------------

    def _need_appointment(self) -> AppointmentRow | None:
        row = self.selected_appointment()
        if row is None:
            self.show_message("Select an appointment first: click it, or use ↑ ↓.", True)
        return row

    def run_step(self, step: Step) -> None:
        row = self._need_appointment()
        if row is not None:
            self.appointment_actions.run(step, row)

    def cancel_selected(self) -> None:
        row = self._need_appointment()
        if row is not None and self.data is not None:
            self.appointment_actions.cancel(row, self.data.meta.tz)

    def reschedule_selected(self) -> None:
        row = self._need_appointment()
        if row is not None and self.data is not None:
            self.appointment_actions.reschedule(row, self.data.meta.tz)

    def _menu(self, block: Block | None, at: QPoint) -> None:
        if block is None:
            return
        if block.appointment is not None:
            self._appointment_menu(block.appointment, at)
        elif block.slot is not None:
            menu = QMenu(self)
            tz = self.data.meta.tz if self.data else ZoneInfo("UTC")
            book = menu.addAction(f"Book at {block.slot.start.astimezone(tz):%H:%M}…")
            book.triggered.connect(lambda: self._free_clicked(block))
            menu.popup(at)
            self.context_menu = menu

    def _appointment_menu(self, row: AppointmentRow, at: QPoint) -> QMenu:
        tz = self.data.meta.tz if self.data else ZoneInfo("UTC")
        menu = self.appointment_actions.menu(row, tz, self)
        menu.popup(at)
        self.context_menu = menu
        return menu

    # --- messages --------------------------------------------------------

    def show_message(self, text: str, error: bool) -> None:
        self.banner.setText(text)
        self.banner.setProperty("kind", "error" if error else "success")
        style = self.banner.style()
        style.unpolish(self.banner)
        style.polish(self.banner)
        self.banner.setVisible(True)
        self._banner_timer.start()
