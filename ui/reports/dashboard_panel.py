"""Dashboards per role: the desk's day, a practitioner's week, the clinic's week for a manager."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.reports.dashboards import (
    DeskDashboard,
    ManagerDashboard,
    PractitionerDashboard,
    desk_dashboard,
    manager_dashboard,
    practitioner_dashboard,
)
from desktop_app.reports.export import format_cell
from desktop_app.reports.selection import AppointmentRow
from desktop_app.staff.practitioner_queries import practitioner_of_account
from models import Role
from ui.kit.ops import run_in_background
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.reports.models import AppointmentsModel

FIGURES_PER_ROW = 5


@dataclass(frozen=True)
class Dashboards:
    desk: DeskDashboard | None
    practitioner: PractitionerDashboard | None
    manager: ManagerDashboard | None


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("figureCard")
    layout = QVBoxLayout(card)
    layout.setContentsMargins(16, 10, 16, 10)
    heading = QLabel(title)
    heading.setObjectName("sectionTitle")
    layout.addWidget(heading)
    return card, layout


def _list(parent: QWidget, rows: tuple[AppointmentRow, ...], empty: str, currency: str) -> QWidget:
    if not rows:
        label = QLabel(empty)
        label.setObjectName("figureCaption")
        return label
    model = AppointmentsModel(parent)
    model.currency = currency
    model.set_rows(list(rows))
    view = table_view(sorting_proxy(model, parent))
    view.setMinimumHeight(min(260, 40 + 32 * len(rows)))
    fit_columns(view, maximum=200)
    return view


class DashboardPanel(QWidget):
    loaded = Signal()

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.actor = actor
        self.data: Dashboards | None = None
        self.loading = False
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(0, 8, 0, 0)
        self.content = QWidget()
        self.layout_.addWidget(self.content, 1)

    def load(self) -> None:
        self.loading = True
        db, now = self.ctx.db, self.ctx.clock.now()
        roles = self.actor.roles
        account = self.actor.account_id

        def work() -> Dashboards:
            pid = practitioner_of_account(db, account) if account else None
            return Dashboards(
                desk_dashboard(db, now)
                if Role.FRONT_DESK in roles or Role.MANAGER in roles
                else None,
                practitioner_dashboard(db, pid, now)
                if pid is not None and Role.PRACTITIONER in roles
                else None,
                manager_dashboard(db, now) if Role.MANAGER in roles else None,
            )

        run_in_background(self, work, self._show)

    def _show(self, data: Dashboards) -> None:
        self.loading = False
        self.data = data
        old = self.content
        self.content = QWidget()
        grid = QGridLayout(self.content)
        grid.setSpacing(12)
        grid.setContentsMargins(0, 0, 0, 0)
        row = 0
        if data.manager is not None:
            grid.addWidget(self._manager(data.manager), row, 0, 1, 3)
            row += 1
        if data.practitioner is not None:
            grid.addWidget(self._practitioner(data.practitioner), row, 0, 1, 3)
            row += 1
        if data.desk is not None:
            d = data.desk
            for column, (title, rows, empty) in enumerate(
                (
                    (
                        f"Arrivals today ({len(d.arrivals)})",
                        d.arrivals,
                        "Nobody else is expected today.",
                    ),
                    (f"Waiting ({len(d.waiting)})", d.waiting, "Nobody is waiting."),
                    (f"Unpaid today ({len(d.unpaid)})", d.unpaid, "Everything is paid."),
                )
            ):
                card, layout = _card(title)
                layout.addWidget(_list(card, rows, empty, d.currency), 1)
                grid.addWidget(card, row, column)
        grid.setRowStretch(row + 1, 1)
        self.layout_.replaceWidget(old, self.content)
        old.deleteLater()
        self.loaded.emit()

    def _manager(self, m: ManagerDashboard) -> QWidget:
        card, layout = _card(
            f"The clinic this week ({m.week.start:%d %b} – {m.week.end:%d %b}) against last week"
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(2)
        for index, c in enumerate(m.figures):
            # Rows of a few figures: nine side by side cut their values off.
            row, column = divmod(index, FIGURES_PER_ROW)
            value = QLabel(format_cell(c.this_week, c.kind, m.currency))
            value.setObjectName("figureValue")
            change = c.change
            trend = (
                "–"
                if change is None
                else f"{'▲' if change >= 0 else '▼'} {abs(change) * 100:.0f} %"
            )
            caption = QLabel(
                f"{c.label}\nlast week {format_cell(c.last_week, c.kind, m.currency)} · {trend}"
            )
            caption.setObjectName("figureCaption")
            grid.addWidget(value, 2 * row, column)
            grid.addWidget(caption, 2 * row + 1, column)
            if row:
                value.setContentsMargins(0, 10, 0, 0)
        layout.addLayout(grid)
        return card

    def _practitioner(self, p: PractitionerDashboard) -> QWidget:
        card, layout = _card(f"My week ({p.week.start:%d %b} – {p.week.end:%d %b})")
        figures = QGridLayout()
        for column, f in enumerate((p.utilisation, p.booked_hours, p.scheduled_hours)):
            value = QLabel(format_cell(f.value, f.kind, p.currency))
            value.setObjectName("figureValue")
            caption = QLabel(f.label)
            caption.setObjectName("figureCaption")
            figures.addWidget(value, 0, column)
            figures.addWidget(caption, 1, column)
        layout.addLayout(figures)
        layout.addWidget(QLabel(f"Sessions this week ({len(p.sessions)})"))
        layout.addWidget(_list(card, p.sessions, "No sessions this week.", p.currency))
        layout.addWidget(QLabel(f"Notes to write ({len(p.to_write)})"))
        layout.addWidget(_list(card, p.to_write, "Every recent session has its note.", p.currency))
        return card
