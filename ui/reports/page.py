"""Reports: dashboards for each role, the reports for managers, and the desk's cash-up."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.events import Event
from models import Role
from ui.kit.page import View
from ui.reports.cashup_panel import CashUpPanel
from ui.reports.dashboard_panel import DashboardPanel
from ui.reports.report_panel import ReportPanel


class ReportsView(View):
    TITLE = "Reports"
    SUBTITLE = "Dashboards, reports and the day's cash-up"

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        today = ctx.clock.now().date()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportsTabs")
        self.dashboard = DashboardPanel(ctx, actor)
        self.tabs.addTab(self.dashboard, "Dashboard")
        self.reports: ReportPanel | None = None
        self.cash_up: CashUpPanel | None = None
        if Role.MANAGER in actor.roles or actor.is_system:
            self.reports = ReportPanel(ctx, today)
            self.tabs.addTab(self.reports, "Reports")
        if actor.roles & {Role.MANAGER, Role.FRONT_DESK} or actor.is_system:
            self.cash_up = CashUpPanel(ctx, actor, today)
            self.tabs.addTab(self.cash_up, "Cash-up")
        self.body.addWidget(self.tabs, 1)
        self._started = False
        self._stale = False
        self.tabs.currentChanged.connect(lambda _: self._load_current())

    def panels(self) -> list[DashboardPanel | ReportPanel | CashUpPanel]:
        return [p for p in (self.dashboard, self.reports, self.cash_up) if p is not None]

    def is_loaded(self) -> bool:
        return self._started and not any(p.loading for p in self.panels())

    def ensure_loaded(self) -> None:
        if not self._started or self._stale:
            self._started = True
            self._stale = False
            for panel in self.panels():
                panel.load()

    def _load_current(self) -> None:
        if self._stale:
            self.ensure_loaded()

    def on_event(self, event: Event) -> None:
        # Figures move with every change; reloading them all per event would be
        # wasteful: the dashboard and cash-up reload, a long report waits.
        if self.isVisible():
            self.dashboard.load()
            if self.cash_up is not None:
                self.cash_up.load()
        else:
            self._stale = True
