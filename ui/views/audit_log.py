"""Audit log (manager): the latest changes, newest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app import queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.queries import AuditRow
from ui.item_models.audit import AuditTableModel
from ui.views.base import DataView
from ui.widgets import fit_columns, sorting_proxy, table_view

LIST_LIMIT = 200


@dataclass(frozen=True)
class AuditPage:
    tz: ZoneInfo
    rows: list[AuditRow]


class AuditLogView(DataView[AuditPage]):
    TITLE = "Audit log"
    SUBTITLE = f"The latest {LIST_LIMIT} changes, newest first. Entries cannot be edited."

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Filter by person, change or target")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.toolbar.addWidget(self.search)

        self.model = AuditTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = table_view(
            self.proxy,
            sort_column=AuditTableModel.COL_SEQ,
            sort_order=Qt.SortOrder.DescendingOrder,
            stretch_column=AuditTableModel.COL_TARGET,
        )
        self.body.addWidget(self.table, 1)

    def fetch(self) -> Callable[[], AuditPage]:
        db = self.ctx.db

        def load() -> AuditPage:
            tz = ZoneInfo(queries.clinic_settings(db).timezone)
            return AuditPage(tz, queries.recent_audit(db, limit=LIST_LIMIT))

        return load

    def apply(self, data: AuditPage) -> None:
        self.model.set_timezone(data.tz)
        self.model.set_rows(data.rows)
        fit_columns(self.table)
