"""Today: the clinic's appointments for one day, grouped by practitioner."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QWidget

from desktop_app import queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.queries import AppointmentRow
from models.enums import AppointmentStatus
from ui.formatting import APPOINTMENT_STATUS_LABELS, long_date
from ui.item_models.appointments import AppointmentTableModel
from ui.views.base import DataView, empty_state
from ui.widgets import fit_columns, sorting_proxy, table_view


@dataclass(frozen=True)
class DayAppointments:
    day: date
    today: date
    tz: ZoneInfo
    rows: list[AppointmentRow]


class TodayView(DataView[DayAppointments]):
    TITLE = "Today"

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        # Days from today; "today" itself is decided in the clinic's zone at load time.
        self._offset = 0

        previous = QPushButton("‹ Previous day")
        previous.setToolTip("Show the day before (Alt+Left)")
        previous.setShortcut("Alt+Left")
        previous.clicked.connect(lambda: self._move(-1))
        self.today_button = QPushButton("Today")
        self.today_button.setToolTip("Back to today (Alt+Home)")
        self.today_button.setShortcut("Alt+Home")
        self.today_button.clicked.connect(lambda: self._move(-self._offset))
        following = QPushButton("Next day ›")
        following.setToolTip("Show the day after (Alt+Right)")
        following.setShortcut("Alt+Right")
        following.clicked.connect(lambda: self._move(1))
        for button in (previous, self.today_button, following):
            self.toolbar.addWidget(button)

        self.summary = QLabel()
        self.summary.setObjectName("summaryLine")
        self.body.addWidget(self.summary)

        self.model = AppointmentTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=AppointmentTableModel.COL_PRACTITIONER,
            stretch_column=AppointmentTableModel.COL_CLIENT,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No appointments on this day.")
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)

    def _move(self, days: int) -> None:
        if days:
            self._offset += days
            self.refresh()

    def fetch(self) -> Callable[[], DayAppointments]:
        db, clock, offset = self.ctx.db, self.ctx.clock, self._offset

        def load() -> DayAppointments:
            tz = ZoneInfo(queries.clinic_settings(db).timezone)
            today = clock.now().astimezone(tz).date()
            day = today + timedelta(days=offset)
            return DayAppointments(day, today, tz, queries.appointments_on(db, day, tz))

        return load

    def apply(self, data: DayAppointments) -> None:
        self.title_label.setText("Today" if data.day == data.today else f"{data.day:%A}")
        self.set_subtitle(long_date(data.day))
        self.today_button.setEnabled(data.day != data.today)
        self.model.set_timezone(data.tz)
        self.model.set_rows(data.rows)
        self.summary.setText(summary_text(data.rows))
        self.pages.setCurrentWidget(self.table if data.rows else self.empty)
        fit_columns(self.table)


def summary_text(rows: list[AppointmentRow]) -> str:
    if not rows:
        return ""
    statuses = Counter(r.status for r in rows)
    practitioners = len({r.practitioner_id for r in rows})
    parts = [
        f"{len(rows)} appointment{'s' if len(rows) != 1 else ''}",
        f"{practitioners} practitioner{'s' if practitioners != 1 else ''}",
    ]
    parts += [
        f"{count} {APPOINTMENT_STATUS_LABELS[status].lower()}"
        for status in AppointmentStatus
        if (count := statuses.get(status))
    ]
    return "  ·  ".join(parts)
