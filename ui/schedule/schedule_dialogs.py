"""Small dialogs and editors of the schedule view: a block's details, a
repeating exception, a clinic holiday, and a list of hour ranges.

The dialogs check only what a person can fix on the spot (an end before its
start, an empty name); everything else is the core's to judge when the view
sends the command.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time

from dateutil.rrule import rrule, rrulestr
from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability import weekly_blocks
from desktop_app.availability.weekly_blocks import minutes_of, time_of
from desktop_app.clinic.queries import ServiceRow
from ui.kit.command_dialog import form_error_label
from ui.schedule.week_layout import WEEKDAY_NAMES, Block

RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Form labels level with their (taller, padded) fields.
LABEL_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

# (key, label with {day} for the weekday's plural or name)
PATTERNS: tuple[tuple[str, str], ...] = (
    ("first", "Every first {day} of the month"),
    ("last", "Every last {day} of the month"),
    ("other", "Every other {day}"),
    ("every", "Every {day}"),
)


def build_rrule(pattern: str, weekday: int) -> str:
    """RRULE text for one of PATTERNS on a weekday (0 = Monday)."""
    day = RRULE_DAYS[weekday]
    return {
        "first": f"FREQ=MONTHLY;BYDAY=1{day}",
        "last": f"FREQ=MONTHLY;BYDAY=-1{day}",
        "other": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
        "every": f"FREQ=WEEKLY;BYDAY={day}",
    }[pattern]


_MONTHLY = re.compile(r"^FREQ=MONTHLY;BYDAY=(1|2|3|4|-1)(MO|TU|WE|TH|FR|SA|SU)$")
_WEEKLY = re.compile(r"^FREQ=WEEKLY;(?:INTERVAL=(\d+);)?BYDAY=(MO|TU|WE|TH|FR|SA|SU)$")
_ORDINALS = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


def describe_rrule(text: str) -> str:
    """Words for the rules this editor builds; the rule itself for anything else."""
    rule = text.strip().upper().removeprefix("RRULE:")
    if match := _MONTHLY.match(rule):
        ordinal, day = match.groups()
        return f"Every {_ORDINALS[ordinal]} {WEEKDAY_NAMES[RRULE_DAYS.index(day)]} of the month"
    if match := _WEEKLY.match(rule):
        interval, day = match.groups()
        name = WEEKDAY_NAMES[RRULE_DAYS.index(day)]
        if interval in (None, "1"):
            return f"Every {name}"
        if interval == "2":
            return f"Every other {name}"
        return f"Every {interval} weeks on {name}"
    return f"Repeats: {text}"


def next_dates(rule_text: str, starts_on: date, after: date, count: int = 3) -> list[date]:
    """The next `count` dates of a rule on or after `after` (for previews)."""
    try:
        parsed = rrulestr(rule_text, dtstart=datetime.combine(starts_on, time()))
    except (ValueError, TypeError):
        return []
    if not isinstance(parsed, rrule):
        return []
    found: list[date] = []
    moment = parsed.after(datetime.combine(after, time()), inc=True)
    while moment is not None and len(found) < count:
        found.append(moment.date())
        moment = parsed.after(moment)
    return found


def qtime(t: time) -> QTime:
    return QTime(t.hour, t.minute)


def pytime(t: QTime) -> time:
    return time(t.hour(), t.minute())


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def time_edit(value: time) -> QTimeEdit:
    edit = QTimeEdit(qtime(value))
    edit.setDisplayFormat("HH:mm")
    edit.setMinimumWidth(84)
    return edit


def end_before_start(start: time, end: time) -> str | None:
    """The core's words for the mistake, said before the command is sent."""
    return weekly_blocks.end_before_start_text(start, end)


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setObjectName("primaryButton")
    ok.setDefault(True)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


class BlockDialog(QDialog):
    """A block's day and times typed exactly, the services it is for, and a room."""

    def __init__(
        self,
        block: Block,
        services: Sequence[ServiceRow],
        *,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel(title)
        heading.setObjectName("dialogTitle")
        layout.addWidget(heading)

        form = QFormLayout()

        form.setLabelAlignment(LABEL_ALIGNMENT)
        form.setHorizontalSpacing(16)
        self.day = QComboBox()
        self.day.addItems(WEEKDAY_NAMES)
        self.day.setCurrentIndex(block.weekday)
        form.addRow("Day", self.day)
        times = QHBoxLayout()
        times.setSpacing(8)
        self.start = time_edit(time_of(block.start))
        self.end = time_edit(time_of(min(block.end, 23 * 60 + 59)))
        times.addWidget(self.start)
        times.addWidget(QLabel("to"))
        times.addWidget(self.end)
        times.addStretch(1)
        form.addRow("Hours", times)
        self.room = QLineEdit(block.room or "")
        self.room.setPlaceholderText("Optional, e.g. Room 2")
        self.room.setMaxLength(64)
        form.addRow("Room", self.room)
        layout.addLayout(form)

        services_title = QLabel("Services in this block")
        services_title.setObjectName("sectionTitle")
        layout.addWidget(services_title)
        self.all_services = QRadioButton("Every service the practitioner offers")
        self.some_services = QRadioButton("Only these services:")
        self.service_list = QListWidget()
        self.service_list.setObjectName("checkList")
        self.service_list.setMaximumHeight(150)
        known = {s.id for s in services}
        for service in services:
            item = QListWidgetItem(f"{service.name}  ·  {service.duration_min} min")
            item.setData(Qt.ItemDataRole.UserRole, service.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = service.id in block.service_ids
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.service_list.addItem(item)
        # Kept as they are: a service retired since is still in the stored rule.
        self._unknown_services = frozenset(block.service_ids - known)
        restricted = bool(block.service_ids)
        self.all_services.setChecked(not restricted)
        self.some_services.setChecked(restricted)
        self.service_list.setEnabled(restricted)
        self.some_services.toggled.connect(self.service_list.setEnabled)
        layout.addWidget(self.all_services)
        layout.addWidget(self.some_services)
        layout.addWidget(self.service_list)

        self.error = form_error_label()
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Apply"))

    def chosen_services(self) -> frozenset[uuid.UUID]:
        if self.all_services.isChecked():
            return frozenset()
        chosen = {
            self.service_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.service_list.count())
            if self.service_list.item(i).checkState() == Qt.CheckState.Checked
        }
        return frozenset(chosen) | self._unknown_services

    def block(self) -> Block:
        return Block(
            self.day.currentIndex(),
            minutes_of(pytime(self.start.time())),
            minutes_of(pytime(self.end.time())),
            self.chosen_services(),
            self.room.text().strip() or None,
        )

    def accept(self) -> None:
        problem = end_before_start(pytime(self.start.time()), pytime(self.end.time()))
        if problem is None and self.some_services.isChecked() and not self.chosen_services():
            problem = "Tick at least one service, or choose every service."
        if problem:
            self.error.setText(problem)
            self.error.setVisible(True)
            return
        super().accept()


class HoursEditor(QWidget):
    """Rows of start–end times with a remove button each, and an Add button."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[QWidget, QTimeEdit, QTimeEdit]] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        self._rows_layout = QVBoxLayout()
        self._rows_layout.setSpacing(6)
        outer.addLayout(self._rows_layout)
        self.add_button = QPushButton("Add hours")
        self.add_button.setToolTip("Another range of hours on this date")
        self.add_button.clicked.connect(self._add_after_last)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        outer.addLayout(row)

    def ranges(self) -> list[tuple[time, time]]:
        return [(pytime(s.time()), pytime(e.time())) for _, s, e in self._rows]

    def set_ranges(self, ranges: Sequence[tuple[time, time]]) -> None:
        for entry in self._rows:
            self._drop(entry)
        self._rows = []
        for start, end in ranges:
            self._add_row(start, end)
        self.changed.emit()

    def row_edits(self, row: int) -> tuple[QTimeEdit, QTimeEdit]:
        _, start, end = self._rows[row]
        return start, end

    def _add_after_last(self) -> None:
        ranges = self.ranges()
        if ranges:
            last_end = minutes_of(ranges[-1][1])
            start = min(last_end + 60, 22 * 60)
            self._add_row(time_of(start), time_of(min(start + 60, 23 * 60)))
        else:
            self._add_row(time(9), time(12))
        self.changed.emit()

    def _add_row(self, start: time, end: time) -> None:
        widget = QWidget()
        line = QHBoxLayout(widget)
        line.setContentsMargins(0, 0, 0, 0)
        line.setSpacing(8)
        start_edit = time_edit(start)
        end_edit = time_edit(end)
        remove = QToolButton()
        remove.setText("Remove")
        remove.setToolTip("Remove these hours")
        line.addWidget(start_edit)
        line.addWidget(QLabel("to"))
        line.addWidget(end_edit)
        line.addWidget(remove)
        line.addStretch(1)
        entry = (widget, start_edit, end_edit)
        self._rows.append(entry)
        self._rows_layout.addWidget(widget)
        start_edit.timeChanged.connect(self.changed)
        end_edit.timeChanged.connect(self.changed)
        remove.clicked.connect(lambda: self._remove(entry))

    def _remove(self, entry: tuple[QWidget, QTimeEdit, QTimeEdit]) -> None:
        if entry in self._rows:
            self._rows.remove(entry)
            self._drop(entry)
            self.changed.emit()

    def _drop(self, entry: tuple[QWidget, QTimeEdit, QTimeEdit]) -> None:
        # Out of the layout now: deleteLater alone leaves the row on screen
        # (and in the layout's size) until the event loop gets round to it.
        widget = entry[0]
        self._rows_layout.removeWidget(widget)
        widget.hide()
        widget.deleteLater()


class RecurringDialog(QDialog):
    """A repeating exception from a few plain-language patterns."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self._today = today
        self.setWindowTitle("Add a repeating exception")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Add a repeating exception")
        heading.setObjectName("dialogTitle")
        layout.addWidget(heading)
        caption = QLabel("Closes the whole day, or some hours of it, on every matching date.")
        caption.setObjectName("dialogCaption")
        caption.setWordWrap(True)
        layout.addWidget(caption)

        form = QFormLayout()

        form.setLabelAlignment(LABEL_ALIGNMENT)
        form.setHorizontalSpacing(16)
        repeat = QHBoxLayout()
        self.pattern = QComboBox()
        for key, label in PATTERNS:
            self.pattern.addItem(label.format(day="…"), key)
        self.weekday = QComboBox()
        self.weekday.addItems(WEEKDAY_NAMES)
        repeat.addWidget(self.pattern, 1)
        repeat.addWidget(self.weekday)
        form.addRow("Repeats", repeat)
        self.starts_on = QDateEdit(qdate(today))
        self.starts_on.setCalendarPopup(True)
        self.starts_on.setDisplayFormat("ddd d MMM yyyy")
        form.addRow("Starting", self.starts_on)
        self.whole_day = QCheckBox("The whole day")
        self.whole_day.setChecked(True)
        form.addRow("Closed", self.whole_day)
        hours = QHBoxLayout()
        hours.setSpacing(8)
        self.start = time_edit(time(12))
        self.end = time_edit(time(13))
        hours.addWidget(self.start)
        hours.addWidget(QLabel("to"))
        hours.addWidget(self.end)
        hours.addStretch(1)
        form.addRow("Or only", hours)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Optional, e.g. Team meeting")
        self.reason.setMaxLength(200)
        form.addRow("Reason", self.reason)
        layout.addLayout(form)

        self.preview = QLabel()
        self.preview.setObjectName("dialogCaption")
        self.preview.setWordWrap(True)
        layout.addWidget(self.preview)
        self.error = form_error_label()
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Add"))

        self.pattern.currentIndexChanged.connect(self._update)
        self.weekday.currentIndexChanged.connect(self._update)
        self.starts_on.dateChanged.connect(self._update)
        self.whole_day.toggled.connect(self._update)
        self._update()

    def rrule(self) -> str:
        return build_rrule(str(self.pattern.currentData()), self.weekday.currentIndex())

    def values(self) -> tuple[str, date, time | None, time | None, str]:
        """(rrule, starts on, start, end, reason); no times for the whole day."""
        whole = self.whole_day.isChecked()
        return (
            self.rrule(),
            pydate(self.starts_on.date()),
            None if whole else pytime(self.start.time()),
            None if whole else pytime(self.end.time()),
            self.reason.text().strip(),
        )

    def _update(self) -> None:
        whole = self.whole_day.isChecked()
        self.start.setEnabled(not whole)
        self.end.setEnabled(not whole)
        starts_on = pydate(self.starts_on.date())
        dates = next_dates(self.rrule(), starts_on, max(starts_on, self._today))
        self.preview.setText(
            "Next: " + ", ".join(f"{d:%a} {d.day} {d:%b %Y}" for d in dates) if dates else ""
        )

    def accept(self) -> None:
        _, _, start, end, _ = self.values()
        problem = end_before_start(start, end) if start and end else None
        if problem:
            self.error.setText(problem)
            self.error.setVisible(True)
            return
        super().accept()


def describe_recurring(rule: str, start: time | None, end: time | None, reason: str) -> str:
    when = "whole day" if start is None or end is None else f"{start:%H:%M}–{end:%H:%M}"
    text = f"{describe_rrule(rule)}, {when}"
    return f"{text} — {reason}" if reason else text


class HolidayDialog(QDialog):
    """A clinic-wide closed day (managers)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self.setWindowTitle("Add a clinic holiday")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        heading = QLabel("Add a clinic holiday")
        heading.setObjectName("dialogTitle")
        layout.addWidget(heading)
        caption = QLabel("The whole clinic is closed: no one can be booked on this date.")
        caption.setObjectName("dialogCaption")
        caption.setWordWrap(True)
        layout.addWidget(caption)
        form = QFormLayout()
        form.setLabelAlignment(LABEL_ALIGNMENT)
        self.day = QDateEdit(qdate(today))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("ddd d MMM yyyy")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Staff training day")
        self.name.setMaxLength(100)
        form.addRow("Date", self.day)
        form.addRow("Name", self.name)
        layout.addLayout(form)
        self.error = form_error_label()
        layout.addWidget(self.error)
        layout.addWidget(_buttons(self, "Add holiday"))

    def values(self) -> tuple[date, str]:
        return pydate(self.day.date()), self.name.text().strip()

    def accept(self) -> None:
        if not self.name.text().strip():
            self.error.setText("Give the holiday a name, e.g. Staff training day.")
            self.error.setVisible(True)
            return
        super().accept()
