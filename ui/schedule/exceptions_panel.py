"""The schedule view's Exceptions tab: date exceptions on a calendar, recurring
exceptions and (for a manager) clinic holidays.

Each of the schedule's panels sends its changes as commands through the `run` function the view
gives it (which runs them off the GUI thread and shows any refusal); a panel
keeps what was typed until the core has accepted it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from PySide6.QtCore import QDate, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (
    QButtonGroup,
    QCalendarWidget,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability import weekly_blocks
from desktop_app.availability.commands import (
    AddClinicHoliday,
    AddRecurringException,
    RemoveClinicHoliday,
    RemoveDateOverride,
    RemoveRecurringException,
    SetDateOverride,
)
from desktop_app.availability.queries import HolidayRow, OverrideRow, ScheduleView
from desktop_app.availability.weekly_blocks import time_of
from ui.kit.formatting import long_date
from ui.schedule.panel_parts import (
    CLOSED_COLOURS,
    CUSTOM_COLOURS,
    HOLIDAY_COLOURS,
    PAST_TEXT,
    REPEATING_COLOURS,
    Runner,
    blocks_text,
    char_format,
    legend_chip,
    override_text,
    panel_caption,
    panel_card,
)
from ui.schedule.schedule_dialogs import (
    LABEL_ALIGNMENT,
    HolidayDialog,
    HoursEditor,
    RecurringDialog,
    describe_recurring,
    end_before_start,
    next_dates,
    pydate,
    qdate,
)
from ui.schedule.week_layout import Block


@dataclass(frozen=True)
class EditorState:
    """What the date editor shows, to tell a user's edit from a reload."""

    custom: bool
    ranges: tuple[tuple[time, time], ...]
    reason: str


class ExceptionsPanel(QWidget):
    """A calendar of date exceptions and holidays, the selected date's editor,
    and the repeating exceptions."""

    # An edit refused before it was sent; the text says why.
    refused = Signal(str)

    def __init__(self, run: Runner, *, manages_holidays: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self._run = run
        self._manages_holidays = manages_holidays
        self._schedule: ScheduleView | None = None
        self._today = date.today()
        self._weekly: dict[int, list[tuple[time, time]]] = {}
        self._overrides: dict[date, OverrideRow] = {}
        self._holidays: dict[date, HolidayRow] = {}
        # The stored state of the date in the editor, to tell typing from a reload.
        self._loaded_state: EditorState | None = None
        self._editor_day: date | None = None
        # Unsaved typing on other dates, restored when the user comes back to them.
        self._drafts: dict[date, EditorState] = {}
        self.recurring_dialog: RecurringDialog | None = None
        self.holiday_dialog: HolidayDialog | None = None

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 4, 0, 0)
        columns.setSpacing(14)
        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self._build_calendar())
        left.addWidget(self._build_repeating())
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(self._build_editor())
        right.addWidget(self._build_upcoming(), 1)
        columns.addLayout(left)
        columns.addLayout(right, 1)

    # --- building ------------------------------------------------------------

    def _build_calendar(self) -> QFrame:
        card, layout = panel_card("Exceptions calendar")
        card.setFixedWidth(340)
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("exceptionsCalendar")
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setHorizontalHeaderFormat(
            QCalendarWidget.HorizontalHeaderFormat.ShortDayNames
        )
        self.calendar.setMinimumHeight(250)
        header = QTextCharFormat()
        header.setFontPointSize(8)
        header.setForeground(QBrush(QColor("#66788a")))
        self.calendar.setHeaderTextFormat(header)
        # Weekends in red would read as "closed"; here colour means an exception.
        plain = QTextCharFormat()
        plain.setForeground(QBrush(QColor("#1f2933")))
        for day in (Qt.DayOfWeek.Saturday, Qt.DayOfWeek.Sunday):
            self.calendar.setWeekdayTextFormat(day, plain)
        self.calendar.selectionChanged.connect(self._date_selected)
        self.calendar.currentPageChanged.connect(lambda _y, _m: self._paint_calendar())
        layout.addWidget(self.calendar)
        for pair in (
            (("Closed", CLOSED_COLOURS), ("Custom hours", CUSTOM_COLOURS)),
            (("Repeating exception", REPEATING_COLOURS), ("Clinic holiday", HOLIDAY_COLOURS)),
        ):
            legend = QHBoxLayout()
            legend.setSpacing(6)
            for text, colours in pair:
                legend.addWidget(legend_chip(text, colours))
            legend.addStretch(1)
            layout.addLayout(legend)
        # Its full height, always: a column with wrapped text beside it would
        # otherwise squeeze it, hiding the month's last week.
        card.setMinimumHeight(card.minimumSizeHint().height())
        return card

    def _build_upcoming(self) -> QFrame:
        card, layout = panel_card("Coming up")
        self.upcoming = QListWidget()
        self.upcoming.setObjectName("plainList")
        self.upcoming.itemActivated.connect(self._upcoming_chosen)
        self.upcoming.itemClicked.connect(self._upcoming_chosen)
        layout.addWidget(self.upcoming, 1)
        self.upcoming_empty = panel_caption("No date exceptions or clinic holidays ahead.")
        layout.addWidget(self.upcoming_empty)
        self.add_holiday_button = QPushButton("Add holiday…")
        self.add_holiday_button.setToolTip("Close the whole clinic on a date")
        self.add_holiday_button.clicked.connect(self.open_holiday_dialog)
        self.remove_holiday_button = QPushButton("Remove holiday")
        self.remove_holiday_button.setToolTip("Open the clinic again on the selected date")
        self.remove_holiday_button.clicked.connect(self._remove_holiday)
        if self._manages_holidays:
            row = QHBoxLayout()
            row.addWidget(self.add_holiday_button)
            row.addWidget(self.remove_holiday_button)
            row.addStretch(1)
            layout.addLayout(row)
        else:
            self.add_holiday_button.setVisible(False)
            self.remove_holiday_button.setVisible(False)
            layout.addWidget(panel_caption("Clinic holidays are set by a manager."))
        return card

    def _build_editor(self) -> QFrame:
        card, layout = panel_card()
        self.date_title = QLabel()
        self.date_title.setObjectName("dateTitle")
        layout.addWidget(self.date_title)
        self.date_state = panel_caption()
        layout.addWidget(self.date_state)

        modes = QHBoxLayout()
        self.closed_radio = QRadioButton("Closed all day")
        self.custom_radio = QRadioButton("Custom hours")
        group = QButtonGroup(self)
        group.addButton(self.closed_radio)
        group.addButton(self.custom_radio)
        self.closed_radio.setChecked(True)
        modes.addWidget(self.closed_radio)
        modes.addWidget(self.custom_radio)
        modes.addStretch(1)
        layout.addLayout(modes)
        self.hours = HoursEditor()
        self.hours.setVisible(False)
        layout.addWidget(self.hours)
        self.custom_radio.toggled.connect(self.hours.setVisible)
        self.custom_radio.toggled.connect(self._editor_edited)
        self.hours.changed.connect(self._editor_edited)

        reason_row = QFormLayout()

        reason_row.setLabelAlignment(LABEL_ALIGNMENT)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Optional, e.g. Conference")
        self.reason.setMaxLength(200)
        self.reason.textEdited.connect(self._editor_edited)
        reason_row.addRow("Reason", self.reason)
        layout.addLayout(reason_row)

        buttons = QHBoxLayout()
        self.editor_note = panel_caption()
        buttons.addWidget(self.editor_note, 1)
        self.remove_override_button = QPushButton("Remove exception")
        self.remove_override_button.setToolTip("Back to the usual weekly hours on this date")
        self.remove_override_button.clicked.connect(self._remove_override)
        self.save_override_button = QPushButton("Save exception")
        self.save_override_button.setObjectName("primaryButton")
        self.save_override_button.clicked.connect(self._save_override)
        buttons.addWidget(self.remove_override_button)
        buttons.addWidget(self.save_override_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return card

    def _build_repeating(self) -> QFrame:
        card, layout = panel_card("Repeating exceptions")
        card.setFixedWidth(340)
        # Single lines: wrapped text in this column would squeeze the calendar above.
        layout.addWidget(panel_caption("Closed on every matching date."))
        self.recurring_list = QListWidget()
        self.recurring_list.setObjectName("plainList")
        self.recurring_list.setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding
        )
        self.recurring_list.currentRowChanged.connect(self._update_buttons)
        layout.addWidget(self.recurring_list, 1)
        self.recurring_empty = panel_caption("None yet.")
        layout.addWidget(self.recurring_empty)
        row = QHBoxLayout()
        self.add_recurring_button = QPushButton("Add…")
        self.add_recurring_button.clicked.connect(self.open_recurring_dialog)
        self.remove_recurring_button = QPushButton("Remove")
        self.remove_recurring_button.clicked.connect(self._remove_recurring)
        row.addWidget(self.add_recurring_button)
        row.addWidget(self.remove_recurring_button)
        row.addStretch(1)
        layout.addLayout(row)
        return card

    # --- data ------------------------------------------------------------------

    def set_data(self, schedule: ScheduleView, today: date, weekly: Sequence[Block]) -> bool:
        """Show a freshly loaded schedule.

        True when the editor kept unsaved typing although the stored exception
        under it changed meanwhile (the view says so).
        """
        switched = self._schedule is None or schedule.practitioner_id != (
            self._schedule.practitioner_id
        )
        if switched:
            self._drafts.clear()
        self._schedule = schedule
        self._today = today
        self._weekly = {}
        for block in sorted(weekly, key=lambda b: b.start):
            self._weekly.setdefault(block.weekday, []).append(
                (time_of(block.start), time_of(block.end))
            )
        self._overrides = {o.day: o for o in schedule.overrides if o.day >= today}
        self._holidays = {h.day: h for h in schedule.holidays if h.day >= today}

        self._fill_upcoming()
        self._fill_recurring()
        self._paint_calendar()
        if switched:
            with QSignalBlocker(self.calendar):
                self.calendar.setSelectedDate(qdate(today))
            self._editor_day = None
            self._show_date(today)
            return False
        return self._show_date(self.selected_date())

    def selected_date(self) -> date:
        return pydate(self.calendar.selectedDate())

    def select_date(self, day: date) -> None:
        self.calendar.setSelectedDate(qdate(day))

    def select_next_exception(self) -> None:
        """Select the first coming date exception (or holiday), if there is one."""
        ahead = sorted(self._overrides) or sorted(self._holidays)
        if ahead:
            self.select_date(ahead[0])

    def editor_dirty(self) -> bool:
        return self._loaded_state is not None and self._editor_state() != self._loaded_state

    def _editor_state(self) -> EditorState:
        custom = self.custom_radio.isChecked()
        return EditorState(
            custom, tuple(self.hours.ranges()) if custom else (), self.reason.text().strip()
        )

    def _stored_state(self, day: date) -> EditorState:
        row = self._overrides.get(day)
        if row is None:
            return EditorState(False, (), "")
        return EditorState(bool(row.blocks), row.blocks, row.reason)

    # --- the calendar ---------------------------------------------------------------

    def _paint_calendar(self) -> None:
        calendar = self.calendar
        calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every date
        first = date(calendar.yearShown(), calendar.monthShown(), 1) - timedelta(days=7)
        last = first + timedelta(days=50)
        past = QTextCharFormat()
        past.setForeground(QBrush(QColor(PAST_TEXT)))
        day = first
        while day < min(last, self._today):
            calendar.setDateTextFormat(qdate(day), past)
            day += timedelta(days=1)
        if self._schedule is not None:
            repeating = char_format(REPEATING_COLOURS, bold=False)
            for row in self._schedule.recurring:
                for hit in next_dates(row.rrule, row.starts_on, max(first, self._today), 10):
                    if hit <= last:
                        calendar.setDateTextFormat(qdate(hit), repeating)
        for day, override in self._overrides.items():
            colours = CUSTOM_COLOURS if override.blocks else CLOSED_COLOURS
            calendar.setDateTextFormat(qdate(day), char_format(colours))
        for day in self._holidays:
            calendar.setDateTextFormat(qdate(day), char_format(HOLIDAY_COLOURS))

    def _date_selected(self) -> None:
        self._show_date(self.selected_date())

    def _show_date(self, day: date) -> bool:
        """Fill the editor for `day`, keeping typing; True if typing was kept over a change."""
        if self._editor_day is not None and self._editor_day != day and self.editor_dirty():
            self._drafts[self._editor_day] = self._editor_state()
        self.date_title.setText(long_date(day))
        self.date_state.setText(self._describe(day))
        stored = self._stored_state(day)
        kept_over_change = False
        if day == self._editor_day and self.editor_dirty():
            kept_over_change = stored != self._loaded_state
        else:
            draft = self._drafts.pop(day, None)
            self._fill_editor(draft or stored, self._weekly.get(day.weekday(), []))
        self._editor_day = day
        self._loaded_state = stored
        self._update_buttons()
        return kept_over_change

    def _fill_editor(self, state: EditorState, usual: Sequence[tuple[time, time]]) -> None:
        with QSignalBlocker(self.custom_radio), QSignalBlocker(self.closed_radio):
            self.custom_radio.setChecked(state.custom)
            self.closed_radio.setChecked(not state.custom)
        self.hours.setVisible(state.custom)
        # Custom hours start from the usual ones: most exceptions shift them a little.
        self.hours.set_ranges(state.ranges or usual or [(time(9), time(12))])
        self.reason.setText(state.reason)

    def _describe(self, day: date) -> str:
        return "\n".join(self._description(day))

    def _description(self, day: date) -> list[str]:
        parts: list[str] = []
        if day < self._today:
            parts.append(weekly_blocks.PAST_EXCEPTION_HINT)
        if holiday := self._holidays.get(day):
            parts.append(f"Clinic holiday: {holiday.name}. No one is bookable on this date.")
        override = self._overrides.get(day)
        if override is not None:
            parts.append(f"Exception: {override_text(override)}.")
        usual = self._weekly.get(day.weekday(), [])
        weekday = f"{day:%A}s"
        if usual:
            parts.append(f"Usual {weekday}: {blocks_text(usual)}.")
        else:
            parts.append(f"No weekly hours on {weekday}.")
        return parts

    def _editor_edited(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        day = self.selected_date()
        self.remove_override_button.setEnabled(day in self._overrides)
        self.remove_holiday_button.setEnabled(day in self._holidays)
        self.remove_recurring_button.setEnabled(self.recurring_list.currentRow() >= 0)
        dirty = self.editor_dirty()
        has_override = day in self._overrides
        self.save_override_button.setEnabled(dirty or not has_override)
        if dirty:
            self.editor_note.setText("Not saved yet.")
        elif has_override:
            self.editor_note.setText("Saved.")
        else:
            self.editor_note.setText("Usual weekly hours apply.")

    # --- lists -------------------------------------------------------------------

    def _fill_upcoming(self) -> None:
        self.upcoming.clear()
        entries: list[tuple[date, str, str]] = []
        for day, override in self._overrides.items():
            entries.append((day, override_text(override), "override"))
        for day, holiday in self._holidays.items():
            entries.append((day, f"Clinic holiday — {holiday.name}", "holiday"))
        for day, text, kind in sorted(entries):
            item = QListWidgetItem(f"{day:%a} {day.day} {day:%b %Y}   ·   {text}")
            item.setData(Qt.ItemDataRole.UserRole, (day, kind))
            item.setToolTip(f"{long_date(day)}: {text}")
            colours = {
                "holiday": HOLIDAY_COLOURS,
                "override": CUSTOM_COLOURS if "Open " in text else CLOSED_COLOURS,
            }[kind]
            item.setForeground(QBrush(QColor(colours[1])))
            self.upcoming.addItem(item)
        self.upcoming.setVisible(bool(entries))
        self.upcoming_empty.setVisible(not entries)

    def _fill_recurring(self) -> None:
        self.recurring_list.clear()
        if self._schedule is None:
            return
        for row in self._schedule.recurring:
            text = describe_recurring(row.rrule, row.start, row.end, row.reason)
            since = f"from {row.starts_on:%a} {row.starts_on.day} {row.starts_on:%b %Y}"
            item = QListWidgetItem(f"{text}\n{since}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.recurring_list.addItem(item)
        self.recurring_list.setVisible(bool(self._schedule.recurring))
        self.recurring_empty.setVisible(not self._schedule.recurring)
        self._update_buttons()

    def recurring_ids(self) -> list[uuid.UUID]:
        ids = []
        for i in range(self.recurring_list.count()):
            value = self.recurring_list.item(i).data(Qt.ItemDataRole.UserRole)
            if isinstance(value, uuid.UUID):
                ids.append(value)
        return ids

    def _upcoming_chosen(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(value, tuple):
            self.select_date(value[0])

    # --- commands ---------------------------------------------------------------------

    def _practitioner_id(self) -> uuid.UUID | None:
        return self._schedule.practitioner_id if self._schedule else None

    def _save_override(self) -> None:
        pid = self._practitioner_id()
        if pid is None:
            return
        day = self.selected_date()
        state = self._editor_state()
        if state.custom:
            if not state.ranges:
                self.refused.emit("Add some hours, or choose Closed all day.")
                return
            for start, end in state.ranges:
                if problem := end_before_start(start, end):
                    self.refused.emit(f"{long_date(day)}: {problem}")
                    return
        command = SetDateOverride(
            practitioner_id=pid, day=day, blocks=state.ranges, reason=state.reason
        )

        def saved(_: object) -> None:
            # Until the reload that follows, what the editor shows is what was stored.
            self._drafts.pop(day, None)
            if self._editor_day == day:
                self._loaded_state = state
                self._update_buttons()

        self._run(command, saved)

    def _remove_override(self) -> None:
        pid = self._practitioner_id()
        if pid is not None:
            self._run(RemoveDateOverride(practitioner_id=pid, day=self.selected_date()), None)

    def open_recurring_dialog(self) -> RecurringDialog:
        dialog = RecurringDialog(self._today, self)
        self.recurring_dialog = dialog
        dialog.accepted.connect(lambda: self._add_recurring(dialog))
        dialog.finished.connect(lambda _: self._forget_dialog(dialog))
        dialog.open()
        return dialog

    def _add_recurring(self, dialog: RecurringDialog) -> None:
        pid = self._practitioner_id()
        if pid is None:
            return
        rule, starts_on, start, end, reason = dialog.values()
        self._run(
            AddRecurringException(
                practitioner_id=pid,
                rrule=rule,
                starts_on=starts_on,
                start=start,
                end=end,
                reason=reason,
            ),
            None,
        )

    def _remove_recurring(self) -> None:
        item = self.recurring_list.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        if isinstance(value, uuid.UUID):
            self._run(RemoveRecurringException(exception_id=value), None)

    def open_holiday_dialog(self) -> HolidayDialog:
        dialog = HolidayDialog(max(self.selected_date(), self._today), self)
        self.holiday_dialog = dialog
        dialog.accepted.connect(lambda: self._add_holiday(dialog))
        dialog.finished.connect(lambda _: self._forget_dialog(dialog))
        dialog.open()
        return dialog

    def _add_holiday(self, dialog: HolidayDialog) -> None:
        day, name = dialog.values()
        self._run(AddClinicHoliday(day=day, name=name), None)

    def _remove_holiday(self) -> None:
        day = self.selected_date()
        if day in self._holidays:
            self._run(RemoveClinicHoliday(day=day), None)

    def _forget_dialog(self, dialog: QWidget) -> None:
        if dialog is self.recurring_dialog:
            self.recurring_dialog = None
        if dialog is self.holiday_dialog:
            self.holiday_dialog = None
        dialog.deleteLater()


# --- settings ------------------------------------------------------------------------
