"""Calendar: a day or a week of appointments for one or several practitioners.

Day: one column per practitioner. Week: Monday to Sunday, the chosen
practitioners side by side within each day. Drag a booked appointment to
move it (RescheduleAppointment; in Day view also to another practitioner),
click free time to book there. A refused move (the slot is taken, outside
hours) says why and the block goes back; an accepted one shows where it went
as soon as the command returns, and the next load confirms it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from desktop_app.availability import queries as schedule_queries
from desktop_app.booking import queries as booking_queries
from desktop_app.booking.commands import BookAppointment, RescheduleAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.booking.events import AppointmentChanged
from desktop_app.booking.queries import AppointmentRow
from desktop_app.booking.results import BookingResult
from desktop_app.clients.events import ClientChanged
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from desktop_app.staff.queries import PractitionerRow
from models.enums import AppointmentStatus, Role
from ui.booking.booking_dialog import BookingDialog
from ui.calendar.calendar_items import CalendarColumn, CalendarPractitioner, MoveRequest
from ui.calendar.calendar_widget import CalendarWidget
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS, APPOINTMENT_STATUS_LABELS, long_date
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, empty_state

NOW_TICK_MS = 30_000


class Mode(StrEnum):
    DAY = "day"
    WEEK = "week"


@dataclass(frozen=True)
class CalendarData:
    generation: int
    mode: Mode
    day: date
    today: date
    now: datetime
    tz: ZoneInfo
    practitioners: list[PractitionerRow]
    shown: list[PractitionerRow]
    days: list[date]
    appointments: list[AppointmentRow]


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


def default_selection(
    mode: Mode, everyone: Sequence[PractitionerRow], own: uuid.UUID | None
) -> list[PractitionerRow]:
    """Everyone side by side for a day; one diary (one's own, or the first) for a week."""
    if mode is Mode.DAY or not everyone:
        return list(everyone)
    mine = [p for p in everyone if p.id == own]
    return mine or [everyone[0]]


def range_text(mode: Mode, days: Sequence[date]) -> str:
    if mode is Mode.DAY:
        return long_date(days[0])
    first, last = days[0], days[-1]
    if first.month == last.month:
        return f"{first.day}–{last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _swatch(colour: str, size: int = 12) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor(colour))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, size, size, 3, 3)
    painter.end()
    return QIcon(pixmap)


class PractitionerPicker(QToolButton):
    """A button with a list of checkable practitioners (stays open while ticking)."""

    changed = Signal(list)  # the ticked ids, in list order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("practitionerPicker")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.setToolTip("Whose appointments to show")
        self.list = QListWidget()
        self.list.setObjectName("checkList")
        self.list.setMinimumWidth(240)
        self.list.itemChanged.connect(self._item_changed)
        menu = QMenu(self)
        menu.setObjectName("practitionerMenu")
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(6, 6, 6, 6)
        box.setSpacing(6)
        shortcuts = QHBoxLayout()
        self.all_button = QPushButton("All")
        self.all_button.clicked.connect(lambda: self.set_checked_ids(self._ids()))
        self.none_button = QPushButton("None")
        self.none_button.clicked.connect(lambda: self.set_checked_ids([]))
        shortcuts.addWidget(self.all_button)
        shortcuts.addWidget(self.none_button)
        shortcuts.addStretch(1)
        box.addLayout(shortcuts)
        box.addWidget(self.list)
        action = QWidgetAction(menu)
        action.setDefaultWidget(holder)
        menu.addAction(action)
        self.setMenu(menu)
        self._quiet = False
        self._update_text()

    def _ids(self) -> list[uuid.UUID]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def checked_ids(self) -> list[uuid.UUID]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_practitioners(
        self, rows: Sequence[PractitionerRow], checked: Sequence[uuid.UUID]
    ) -> None:
        """Fill the list without announcing a change (it comes from a load)."""
        self._quiet = True
        try:
            self.list.clear()
            for row in rows:
                item = QListWidgetItem(_swatch(row.colour), row.name)
                item.setData(Qt.ItemDataRole.UserRole, row.id)
                item.setToolTip(row.profession)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(
                    Qt.CheckState.Checked if row.id in checked else Qt.CheckState.Unchecked
                )
                self.list.addItem(item)
            rows_shown = min(len(rows), 12)
            self.list.setFixedHeight(max(1, rows_shown) * 28 + 8)
        finally:
            self._quiet = False
        self._update_text()

    def set_checked_ids(self, ids: Sequence[uuid.UUID]) -> None:
        self._quiet = True
        try:
            for i in range(self.list.count()):
                item = self.list.item(i)
                wanted = item.data(Qt.ItemDataRole.UserRole) in ids
                item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)
        finally:
            self._quiet = False
        self._update_text()
        self.changed.emit(self.checked_ids())

    def _item_changed(self, _item: QListWidgetItem) -> None:
        if self._quiet:
            return
        self._update_text()
        self.changed.emit(self.checked_ids())

    def _update_text(self) -> None:
        checked = self.checked_ids()
        total = self.list.count()
        if not checked:
            text = "No practitioner"
        elif len(checked) == 1:
            item = next(
                self.list.item(i)
                for i in range(total)
                if self.list.item(i).data(Qt.ItemDataRole.UserRole) == checked[0]
            )
            text = item.text()
        elif len(checked) == total:
            text = f"All practitioners ({total})"
        else:
            text = f"{len(checked)} practitioners"
        self.setText(text)


class Banner(QFrame):
    """One line of feedback above the calendar: what happened, what to do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 7, 6, 7)
        self.label = QLabel()
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        close = QPushButton("Dismiss")
        close.setObjectName("bannerButton")
        close.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self.setVisible(False)

    def show_message(self, kind: str, text: str) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        for child in self.findChildren(QWidget):
            child.style().unpolish(child)
            child.style().polish(child)
        self.label.setText(text)
        self.setVisible(True)

    @property
    def kind(self) -> str:
        return str(self.property("kind") or "")

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


class CalendarView(DataView[CalendarData]):
    TITLE = "Calendar"
    REFRESH_ON = (
        AppointmentChanged,
        ClientChanged,
        ClinicSettingsChanged,
        DemoClinicSeeded,
        PractitionerChanged,
        StaffAccountChanged,
        StaffAccountCreated,
    )

    # A move went through the core (True) or was refused (False).
    move_finished = Signal(bool)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.mode = Mode.WEEK
        # None: today (decided in the clinic's zone when loading).
        self._day: date | None = None
        # Per mode, the practitioners ticked by hand; None: the mode's default.
        self._chosen: dict[Mode, list[uuid.UUID] | None] = {Mode.DAY: None, Mode.WEEK: None}
        self._generation = 0
        # Moves the core accepted, kept drawn where they went until a load
        # started after the acceptance shows them there.
        self._settled_after: dict[uuid.UUID, int] = {}
        self.data: CalendarData | None = None
        self.booking_dialog: QDialog | None = None

        self.day_button = QPushButton("Day")
        self.week_button = QPushButton("Week")
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        for button, mode, key in (
            (self.day_button, Mode.DAY, "Alt+D"),
            (self.week_button, Mode.WEEK, "Alt+W"),
        ):
            button.setCheckable(True)
            # Room for the bold text of the checked one.
            button.setMinimumWidth(68)
            button.setShortcut(key)
            button.setToolTip(f"{button.text()} view ({key})")
            button.clicked.connect(lambda _c=False, m=mode: self.set_mode(m))
            modes.addButton(button)
        self.day_button.setObjectName("segmentLeft")
        self.week_button.setObjectName("segmentRight")
        self.week_button.setChecked(True)
        self.previous_button = QPushButton("‹")
        self.previous_button.setObjectName("navButton")
        self.previous_button.setToolTip("Earlier (Alt+Left)")
        self.previous_button.setShortcut("Alt+Left")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Back to today (Alt+Home)")
        self.today_button.setShortcut("Alt+Home")
        self.today_button.clicked.connect(self.go_today)
        self.next_button = QPushButton("›")
        self.next_button.setObjectName("navButton")
        self.next_button.setToolTip("Later (Alt+Right)")
        self.next_button.setShortcut("Alt+Right")
        self.next_button.clicked.connect(lambda: self.step(1))
        segments = QHBoxLayout()
        segments.setSpacing(0)
        segments.addWidget(self.day_button)
        segments.addWidget(self.week_button)
        self.toolbar.addLayout(segments)
        self.toolbar.addSpacing(8)
        for button in (self.previous_button, self.today_button, self.next_button):
            self.toolbar.addWidget(button)

        controls = QHBoxLayout()
        controls.setSpacing(10)
        self.range_label = QLabel()
        self.range_label.setObjectName("dateTitle")
        self.picker = PractitionerPicker()
        self.picker.changed.connect(self._picked)
        self.show_cancelled = QCheckBox("Show cancelled")
        self.show_cancelled.setChecked(True)
        self.show_cancelled.setToolTip("Cancelled appointments, faded; they do not block time")
        self.show_cancelled.toggled.connect(self._cancelled_toggled)
        self.legend = QHBoxLayout()
        self.legend.setSpacing(6)
        controls.addWidget(self.range_label)
        controls.addStretch(1)
        controls.addLayout(self.legend)
        controls.addSpacing(8)
        controls.addWidget(self.show_cancelled)
        controls.addWidget(self.picker)
        self.body.addLayout(controls)

        self.banner = Banner()
        self.body.addWidget(self.banner)

        self.calendar = CalendarWidget()
        self.calendar.movable = ctx.bus.may(actor, RescheduleAppointment)
        self.calendar.move_requested.connect(self.move_appointment)
        self.calendar.slot_clicked.connect(self.book_at)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("calendarScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(self.calendar)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.scroll_area)
        self.empty = empty_state("")
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)

        self._now_timer = QTimer(self)
        self._now_timer.setInterval(NOW_TICK_MS)
        self._now_timer.timeout.connect(self._tick)
        self._now_timer.start()

    # --- what is shown ---------------------------------------------------

    def set_mode(self, mode: Mode) -> None:
        self.day_button.setChecked(mode is Mode.DAY)
        self.week_button.setChecked(mode is Mode.WEEK)
        if mode is not self.mode:
            self.mode = mode
            self.banner.hide()
            self.refresh()

    def step(self, steps: int) -> None:
        current = self.data.day if self.data else self.ctx.clock.now().date()
        self._day = current + timedelta(days=steps * (7 if self.mode is Mode.WEEK else 1))
        self.banner.hide()
        self.refresh()

    def go_today(self) -> None:
        self._day = None
        self.banner.hide()
        self.refresh()

    def show_day(self, day: date) -> None:
        self._day = day
        self.refresh()

    def set_practitioners(self, ids: Sequence[uuid.UUID]) -> None:
        """Tick exactly these practitioners for the current mode."""
        self.picker.set_checked_ids(list(ids))

    def _picked(self, ids: list[uuid.UUID]) -> None:
        self._chosen[self.mode] = ids
        self.refresh()

    def _cancelled_toggled(self, show: bool) -> None:
        self.calendar.set_show_cancelled(show)

    # --- loading ---------------------------------------------------------

    def fetch(self) -> Callable[[], CalendarData]:
        self._generation += 1
        generation = self._generation
        db, clock, mode, wanted_day = self.ctx.db, self.ctx.clock, self.mode, self._day
        chosen = self._chosen[mode]
        account_id = self.actor.account_id
        own_diary = Role.PRACTITIONER in self.actor.roles and account_id is not None

        def load() -> CalendarData:
            tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
            now = clock.now()
            today = now.astimezone(tz).date()
            day = wanted_day or today
            everyone = staff_queries.practitioners(db, bookable_only=True)
            if chosen is None:
                own = (
                    schedule_queries.practitioner_id_of_account(db, account_id)
                    if own_diary and account_id is not None
                    else None
                )
                shown = default_selection(mode, everyone, own)
            else:
                shown = [p for p in everyone if p.id in chosen]
            days = [day] if mode is Mode.DAY else week_of(day)
            start = datetime.combine(days[0], time(0), tz)
            end = datetime.combine(days[-1] + timedelta(days=1), time(0), tz)
            rows = (
                booking_queries.appointments_between(db, start, end, [p.id for p in shown])
                if shown
                else []
            )
            return CalendarData(generation, mode, day, today, now, tz, everyone, shown, days, rows)

        return load

    def apply(self, data: CalendarData) -> None:
        if data.mode is not self.mode:
            return  # the mode changed meanwhile; its own load follows
        self.data = data
        for appointment_id, after in list(self._settled_after.items()):
            if data.generation > after:
                del self._settled_after[appointment_id]
                self.calendar.clear_pending(appointment_id)
        self.picker.set_practitioners(data.practitioners, [p.id for p in data.shown])
        columns = self._columns(data)
        self.calendar.set_content(
            columns,
            data.appointments,
            [CalendarPractitioner(p.id, p.name, p.colour) for p in data.shown],
            data.tz,
            today=data.today,
            now=data.now,
            show_cancelled=self.show_cancelled.isChecked(),
        )
        self.range_label.setText(range_text(data.mode, data.days))
        self.today_button.setEnabled(data.today not in data.days)
        self.set_subtitle(self._summary(data))
        self._fill_legend(data)
        if not data.practitioners:
            self.empty.setText(
                "No practitioner is taking bookings yet. A manager approves practitioners "
                "and their hours first."
            )
            self.pages.setCurrentWidget(self.empty)
        elif not data.shown:
            self.empty.setText("Choose at least one practitioner to see their appointments.")
            self.pages.setCurrentWidget(self.empty)
        else:
            self.pages.setCurrentWidget(self.scroll_area)

    def _columns(self, data: CalendarData) -> list[CalendarColumn]:
        live = [r for r in data.appointments if r.status is not AppointmentStatus.CANCELLED]
        if data.mode is Mode.DAY:
            return [
                CalendarColumn(
                    data.day,
                    (p.id,),
                    p.name,
                    _count(sum(r.practitioner_id == p.id for r in live), "appointment"),
                )
                for p in data.shown
            ]
        ids = tuple(p.id for p in data.shown)
        columns = []
        for day in data.days:
            count = sum(r.starts_at.astimezone(data.tz).date() == day for r in live)
            title = f"{day:%a} {day.day} {day:%b}"
            columns.append(CalendarColumn(day, ids, title, _count(count, "appointment")))
        return columns

    def _summary(self, data: CalendarData) -> str:
        live = [r for r in data.appointments if r.status is not AppointmentStatus.CANCELLED]
        who = (
            data.shown[0].name if len(data.shown) == 1 else _count(len(data.shown), "practitioner")
        )
        return f"{who}  ·  {_count(len(live), 'appointment')}"

    def _fill_legend(self, data: CalendarData) -> None:
        while self.legend.count():
            item = self.legend.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        chips: list[tuple[str, str, str]] = []
        if data.mode is Mode.WEEK and len(data.shown) > 1:
            chips = [(p.name, "#1f2933", p.colour) for p in data.shown]
        else:
            statuses = {r.status for r in data.appointments}
            chips = [
                (APPOINTMENT_STATUS_LABELS[s], *APPOINTMENT_STATUS_COLOURS[s][::-1])
                for s in AppointmentStatus
                if s in statuses
            ]
        for text, foreground, background in chips:
            chip = QLabel(text)
            chip.setObjectName("legendChip")
            if data.mode is Mode.WEEK and len(data.shown) > 1:
                chip.setStyleSheet(f"background: {background}; color: #ffffff; font-weight: 600;")
            else:
                chip.setStyleSheet(f"background: {background}; color: {foreground};")
            self.legend.addWidget(chip, 0, Qt.AlignmentFlag.AlignVCenter)

    def _tick(self) -> None:
        if self.data is None:
            return
        now = self.ctx.clock.now()
        self.calendar.set_now(now, now.astimezone(self.data.tz).date())

    # --- moving ----------------------------------------------------------

    def move_appointment(self, request: MoveRequest) -> None:
        row = request.appointment
        pid = request.practitioner_id or row.practitioner_id
        self.calendar.set_pending(row.id, request.starts_at, pid)
        self.banner.hide()
        command = RescheduleAppointment(
            appointment_id=row.id,
            starts_at=request.starts_at,
            practitioner_id=request.practitioner_id,
        )
        bus, actor = self.ctx.bus, self.actor
        run_in_background(
            self,
            lambda: bus.handle(command, actor),
            lambda result: self._moved(request, result),
            lambda exc: self._move_failed(request, exc),
        )

    def _moved(self, request: MoveRequest, result: object) -> None:
        row = request.appointment
        # Drawn where it went until a load that started from now on shows it.
        self._settled_after[row.id] = self._generation
        tz = self.data.tz if self.data else ZoneInfo("UTC")
        starts_at = result.starts_at if isinstance(result, BookingResult) else request.starts_at
        local = starts_at.astimezone(tz)
        whom = ""
        if request.practitioner_id is not None and self.data is not None:
            name = next((p.name for p in self.data.shown if p.id == request.practitioner_id), "")
            whom = f" with {name}" if name else ""
        self.banner.show_message(
            "success",
            f"Moved {row.client_name} ({row.reference}) to {local:%a} {local.day} {local:%b}, "
            f"{local:%H:%M}{whom}.",
        )
        self.refresh()
        self.move_finished.emit(True)

    def _move_failed(self, request: MoveRequest, exc: BaseException) -> None:
        self.calendar.clear_pending(request.appointment.id)
        self.banner.show_message("error", self.move_error_text(exc))
        self.move_finished.emit(False)

    def move_error_text(self, exc: BaseException) -> str:
        if not isinstance(exc, ClinicdeskError):
            return f"Could not move the appointment: {exc}. Nothing was changed; try again."
        text = f"{exc} The appointment stays where it was."
        if isinstance(exc, SlotTaken) and exc.alternatives and self.data is not None:
            names = {p.id: p.name for p in self.data.practitioners}
            tz = self.data.tz
            options = []
            for slot in exc.alternatives[:4]:
                local = slot.start.astimezone(tz)
                who = names.get(slot.practitioner_id, "")
                options.append(
                    f"{local:%a} {local.day} {local:%b} {local:%H:%M}"
                    + (f" ({who})" if who else "")
                )
            text += " Next free: " + ", ".join(options) + "."
        return text

    # --- booking ---------------------------------------------------------

    def book_at(self, practitioner_id: uuid.UUID, starts_at: datetime) -> None:
        if starts_at < self.ctx.clock.now():
            self.banner.show_message("info", "That time has passed. Click a time from now on.")
            return
        if not self.ctx.bus.may(self.actor, BookAppointment):
            return
        self.banner.hide()
        dialog = BookingDialog(
            self.ctx,
            self.actor,
            practitioner_id=practitioner_id,
            starts_at=starts_at,
            parent=self,
        )
        self.booking_dialog = dialog
        dialog.booked.connect(lambda _result: self.refresh())
        dialog.finished.connect(lambda _code: self._booking_closed(dialog))
        dialog.open()

    def _booking_closed(self, dialog: QDialog) -> None:
        if self.booking_dialog is dialog:
            self.booking_dialog = None
        dialog.deleteLater()
