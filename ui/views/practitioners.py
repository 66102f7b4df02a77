"""Practitioners (manager): everyone who practises here, with their status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtWidgets import QStackedWidget, QWidget

from desktop_app import queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.queries import PractitionerRow
from models.enums import PractitionerStatus
from ui.formatting import PRACTITIONER_STATUS_LABELS
from ui.item_models.practitioners import PractitionerTableModel
from ui.views.base import DataView, empty_state
from ui.widgets import fit_columns, sorting_proxy, table_view


class PractitionersView(DataView[list[PractitionerRow]]):
    TITLE = "Practitioners"

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.model = PractitionerTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=PractitionerTableModel.COL_NAME,
            stretch_column=PractitionerTableModel.COL_SPECIALISATIONS,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No practitioners yet.")
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)

    def fetch(self) -> Callable[[], list[PractitionerRow]]:
        db = self.ctx.db
        return lambda: queries.practitioners(db)

    def apply(self, data: list[PractitionerRow]) -> None:
        self.model.set_rows(data)
        counts = Counter(p.status for p in data)
        parts = [
            f"{n} {PRACTITIONER_STATUS_LABELS[s].lower()}"
            for s in PractitionerStatus
            if (n := counts.get(s))
        ]
        self.set_subtitle("  ·  ".join(parts) if parts else "")
        self.pages.setCurrentWidget(self.table if data else self.empty)
        fit_columns(self.table)
