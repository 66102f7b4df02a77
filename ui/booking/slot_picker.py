"""A date picker that shows which days have room, beside the day's free times.

Used by the booking dialog and the reschedule dialog. The calendar marks the
dates of the shown month that have an open slot (slot_queries.days_with_room,
reloaded when the month changes); the chosen date's open slots
(slot_queries.open_slots) are buttons, grouped by practitioner when the booking
is with anyone. Both load in the background; a newer request makes an older
answer void, so paging quickly through months never shows a stale month.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QFont, QTextCharFormat
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability import slot_queries
from desktop_app.availability.slot_engine import Slot
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from ui.booking.live_slots import SlotsFollower
from ui.kit.formatting import long_date
from ui.kit.ops import run_in_background
from ui.kit.resources import ACCENT

SLOT_COLUMNS = 5
ROOM_COLOUR = QColor(ACCENT)
FULL_COLOUR = QColor("#9aa5b1")


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


@dataclass(frozen=True)
class SlotQuery:
    service_id: uuid.UUID
    # None: anyone who offers the service.
    practitioner_id: uuid.UUID | None


class SlotPicker(QWidget):
    # The user (or select()) chose a slot.
    slot_chosen = Signal(object)  # Slot
    # The chosen date's free times are on screen.
    slots_loaded = Signal()
    # A slot asked for with select_when_loaded() was not free on its day.
    wanted_missing = Signal(object)  # datetime

    def __init__(self, ctx: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query: SlotQuery | None = None
        self.tz: tzinfo | None = None
        self.names: Mapping[uuid.UUID, str] = {}
        self.chosen: Slot | None = None
        self.day_slots: list[Slot] = []
        self.room_days: set[date] = set()
        self.slot_buttons: dict[Slot, QPushButton] = {}
        self._wanted: tuple[datetime, uuid.UUID | None] | None = None
        self._day_seq = 0
        self._day_shown = 0
        self._month_seq = 0
        self._month_shown = 0
        self._marked: list[QDate] = []

        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(16)

        left = QVBoxLayout()
        left.setSpacing(6)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("roomCalendar")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setHorizontalHeaderFormat(
            QCalendarWidget.HorizontalHeaderFormat.ShortDayNames
        )
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setFixedSize(300, 236)
        self.calendar.selectionChanged.connect(self._date_changed)
        self.calendar.currentPageChanged.connect(lambda y, m: self._load_month(y, m))
        left.addWidget(self.calendar)
        self.legend = QLabel("Dates in bold have free times.")
        self.legend.setObjectName("cardCaption")
        left.addWidget(self.legend)
        left.addStretch(1)
        outer.addLayout(left)

        right = QVBoxLayout()
        right.setSpacing(6)
        self.day_title = QLabel("Free times")
        self.day_title.setObjectName("cardTitle")
        right.addWidget(self.day_title)
        self.slot_scroll = QScrollArea()
        self.slot_scroll.setObjectName("slotScroll")
        self.slot_scroll.setWidgetResizable(True)
        self.slot_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.slot_scroll.setMinimumWidth(SLOT_COLUMNS * 72 + 30)
        self.slot_area = QWidget()
        self.slot_area.setObjectName("slotArea")
        self.slot_layout = QVBoxLayout(self.slot_area)
        self.slot_layout.setContentsMargins(10, 10, 10, 10)
        self.slot_layout.setSpacing(8)
        self.slot_scroll.setWidget(self.slot_area)
        right.addWidget(self.slot_scroll, 1)
        outer.addLayout(right, 1)

        self.group = QButtonGroup(self)
        self.group.setExclusive(True)

        # Taken, held or opened at any workstation: the day loads again.
        self.follower = SlotsFollower(
            ctx,
            self.slot_scroll,
            reload=self.reload,
            practitioner=lambda: self.query.practitioner_id if self.query else None,
            active=lambda: self.query is not None and self.isVisible(),
        )
        self.slots_loaded.connect(self.follower.loaded)

    # --- configuring -----------------------------------------------------

    def configure(
        self,
        query: SlotQuery,
        *,
        tz: tzinfo,
        names: Mapping[uuid.UUID, str],
        today: date,
        day: date | None = None,
    ) -> None:
        """What to offer; keeps the chosen slot only if it still fits the query."""
        first_time = self.query is None
        self.query = query
        self.tz = tz
        self.names = names
        if self.chosen is not None and (
            query.practitioner_id not in (None, self.chosen.practitioner_id)
        ):
            self.chosen = None
        # The calendar starts on the computer's date; the clinic's "today" wins.
        target = qdate(day or (today if first_time else self.selected_day()))
        if target < qdate(today):
            target = qdate(today)
        # One load for the new query, not one per signal these would send.
        self.calendar.blockSignals(True)
        self.calendar.setMinimumDate(qdate(today))
        self.calendar.setSelectedDate(target)
        self.calendar.setCurrentPage(target.year(), target.month())
        self.calendar.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self._load_month(self.calendar.yearShown(), self.calendar.monthShown())
        self._load_day()

    def selected_day(self) -> date:
        return pydate(self.calendar.selectedDate())

    def set_day(self, day: date) -> None:
        self.calendar.setSelectedDate(qdate(day))

    def is_idle(self) -> bool:
        return self._day_seq == self._day_shown and self._month_seq == self._month_shown

    def select(self, slot: Slot) -> None:
        """Choose `slot` as if clicked (shown even if no longer in the free list)."""
        self.chosen = slot
        if self.tz is not None and slot.start.astimezone(self.tz).date() != self.selected_day():
            self.set_day(slot.start.astimezone(self.tz).date())
        else:
            self._show_slots(self.day_slots)
        self.slot_chosen.emit(slot)

    def select_when_loaded(self, starts_at: datetime, practitioner_id: uuid.UUID | None) -> None:
        """Choose the slot at `starts_at` once its day is loaded (any practitioner if None)."""
        self._wanted = (starts_at, practitioner_id)
        if self.tz is not None:
            day = starts_at.astimezone(self.tz).date()
            if day != self.selected_day():
                self.set_day(day)
                return
        # The month may still be loading; only the day's slots matter here.
        if self._day_seq == self._day_shown and self.query is not None:
            self._take_wanted()

    def clear_choice(self) -> None:
        self.chosen = None
        self._show_slots(self.day_slots)

    # --- loading ---------------------------------------------------------

    def _date_changed(self) -> None:
        self._load_day()

    def _load_month(self, year: int, month: int) -> None:
        if self.query is None:
            return
        self._month_seq += 1
        seq = self._month_seq
        db, now, q = self.ctx.db, self.ctx.clock.now(), self.query
        run_in_background(
            self,
            lambda: slot_queries.days_with_room(
                db, q.service_id, year, month, now, q.practitioner_id
            ),
            lambda days: self._month_loaded(seq, year, month, days),
            lambda exc: self._month_failed(seq, exc),
        )

    def _month_loaded(self, seq: int, year: int, month: int, days: set[date]) -> None:
        if seq != self._month_seq:
            return
        self._month_shown = seq
        self.room_days = days
        for qd in self._marked:
            self.calendar.setDateTextFormat(qd, QTextCharFormat())
        self._marked = []
        room = QTextCharFormat()
        room.setFontWeight(QFont.Weight.Bold)
        room.setForeground(ROOM_COLOUR)
        full = QTextCharFormat()
        full.setForeground(FULL_COLOUR)
        first = QDate(year, month, 1)
        for offset in range(first.daysInMonth()):
            qd = first.addDays(offset)
            self.calendar.setDateTextFormat(qd, room if pydate(qd) in days else full)
            self._marked.append(qd)
        count = len(days)
        self.legend.setText(
            f"Dates in bold have free times ({count} day{'s' if count != 1 else ''} "
            f"in {first.toString('MMMM')})."
            if count
            else f"No free times in {first.toString('MMMM')}: try the next month."
        )

    def _month_failed(self, seq: int, exc: BaseException) -> None:
        if seq == self._month_seq:
            self._month_shown = seq
            self.legend.setText(_message(exc, "Could not load the month"))

    def _load_day(self) -> None:
        if self.query is None:
            return
        self._day_seq += 1
        seq = self._day_seq
        day = self.selected_day()
        db, now, q = self.ctx.db, self.ctx.clock.now(), self.query
        self.day_title.setText(f"{long_date(day)} — looking for free times…")
        run_in_background(
            self,
            lambda: slot_queries.open_slots(db, q.service_id, day, day, now, q.practitioner_id),
            lambda slots: self._day_loaded(seq, day, slots),
            lambda exc: self._day_failed(seq, exc),
        )

    def _day_loaded(self, seq: int, day: date, slots: list[Slot]) -> None:
        if seq != self._day_seq:
            return
        self._day_shown = seq
        # Slots are per practitioner-local date; keep the ones on the clinic's date.
        tz = self.tz
        self.day_slots = [s for s in slots if tz is None or s.start.astimezone(tz).date() == day]
        self._show_slots(self.day_slots)
        if self._wanted is not None:
            self._take_wanted()
        self.slots_loaded.emit()

    def _day_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._day_seq:
            return
        self._day_shown = seq
        self.day_slots = []
        self._show_slots([])
        self.day_title.setText(_message(exc, "Could not load the free times"))
        self.slots_loaded.emit()

    def _take_wanted(self) -> None:
        assert self._wanted is not None
        starts_at, practitioner_id = self._wanted
        self._wanted = None
        match = next(
            (
                s
                for s in self.day_slots
                if s.start == starts_at and practitioner_id in (None, s.practitioner_id)
            ),
            None,
        )
        if match is None:
            self.wanted_missing.emit(starts_at)
        else:
            self.select(match)

    # --- showing ---------------------------------------------------------

    def _clear_slot_area(self) -> None:
        for button in self.group.buttons():
            self.group.removeButton(button)
        while self.slot_layout.count():
            item = self.slot_layout.takeAt(0)
            if item is None:
                continue
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        self.slot_buttons = {}

    def _show_slots(self, slots: list[Slot]) -> None:
        self._clear_slot_area()
        day = self.selected_day()
        shown = list(slots)
        chosen = self.chosen
        # Our own hold takes the chosen slot off the free list; keep showing it.
        if (
            chosen is not None
            and self.tz is not None
            and chosen.start.astimezone(self.tz).date() == day
            and chosen not in shown
        ):
            shown.append(chosen)
            shown.sort(key=lambda s: (s.start, self.names.get(s.practitioner_id, "")))
        anyone = self.query is not None and self.query.practitioner_id is None
        count = len(shown)
        self.day_title.setText(
            f"{long_date(day)} — {count} free time{'s' if count != 1 else ''}"
            if count
            else f"{long_date(day)} — no free times"
        )
        if not shown:
            empty = QLabel(
                "Nothing free on this day. Dates in bold in the calendar have room."
                if self.room_days
                else "Nothing free on this day."
            )
            empty.setObjectName("emptySlots")
            empty.setWordWrap(True)
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.slot_layout.addWidget(empty)
            self.slot_layout.addStretch(1)
            return
        groups: dict[uuid.UUID | None, list[Slot]] = defaultdict(list)
        for s in shown:
            groups[s.practitioner_id if anyone else None].append(s)
        order = sorted(groups, key=lambda pid: self.names.get(pid, "") if pid else "")
        for pid in order:
            if pid is not None:
                heading = QLabel(
                    f"{self.names.get(pid, 'Practitioner')}  ·  {len(groups[pid])} free"
                )
                heading.setObjectName("slotGroupTitle")
                self.slot_layout.addWidget(heading)
            self.slot_layout.addWidget(self._slot_grid(groups[pid]))
        self.slot_layout.addStretch(1)

    def _slot_grid(self, slots: list[Slot]) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(6)
        assert self.tz is not None
        for i, slot in enumerate(slots):
            label = slot.start.astimezone(self.tz).strftime("%H:%M")
            button = QPushButton(label)
            button.setObjectName("slotButton")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFixedWidth(66)
            button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            who = self.names.get(slot.practitioner_id, "")
            button.setToolTip(f"{label} with {who}" if who else label)
            button.setAccessibleName(f"{label} {who}".strip())
            if slot == self.chosen:
                button.setChecked(True)
            button.clicked.connect(lambda _=False, s=slot: self._clicked(s))
            self.group.addButton(button)
            self.slot_buttons[slot] = button
            grid.addWidget(button, i // SLOT_COLUMNS, i % SLOT_COLUMNS)
        grid.setColumnStretch(SLOT_COLUMNS, 1)
        return holder

    def _clicked(self, slot: Slot) -> None:
        self.chosen = slot
        self.slot_chosen.emit(slot)

    def button_for(self, predicate: Callable[[Slot], bool]) -> QPushButton | None:
        return next((b for s, b in self.slot_buttons.items() if predicate(s)), None)


def _message(exc: BaseException, doing: str) -> str:
    return str(exc) if isinstance(exc, ClinicdeskError) else f"{doing}: {exc}"
