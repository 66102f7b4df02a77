"""Reports (manager): today a headline overview; the full reports come later."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.booking import queries as booking_queries
from desktop_app.booking.queries import ClinicOverview
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from ui.kit.page import DataView
from ui.kit.placeholder import planned_card


class _Figure(QFrame):
    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("figureCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(4)
        self.value = QLabel("–")
        self.value.setObjectName("figureValue")
        label = QLabel(caption)
        label.setObjectName("figureCaption")
        layout.addWidget(self.value)
        layout.addWidget(label)


class ReportsView(DataView[ClinicOverview]):
    TITLE = "Reports"
    SUBTITLE = "The clinic at a glance"

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        grid = QGridLayout()
        grid.setSpacing(14)
        self.figures = {
            "practitioners": _Figure("Practitioners"),
            "clients": _Figure("Active clients"),
            "upcoming_appointments": _Figure("Upcoming appointments"),
            "staff": _Figure("Staff accounts"),
        }
        for i, figure in enumerate(self.figures.values()):
            grid.addWidget(figure, 0, i)
        self.body.addLayout(grid)

        self.body.addSpacing(8)
        self.body.addWidget(
            planned_card(
                "Full reports — coming with reports",
                "Utilisation per practitioner, revenue, credits sold, used and outstanding, "
                "no-shows and late cancellations, as tables and charts, exported to CSV and PDF.",
            )
        )
        self.body.addStretch(1)

    def fetch(self) -> Callable[[], ClinicOverview]:
        db, clock = self.ctx.db, self.ctx.clock
        return lambda: booking_queries.clinic_overview(db, clock.now())

    def apply(self, data: ClinicOverview) -> None:
        for key, figure in self.figures.items():
            figure.value.setText(f"{getattr(data, key):,}")
