"""Clients: the client list with balances, filtered as you type."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLineEdit, QStackedWidget, QWidget

from desktop_app import queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.queries import ClientRow
from ui.item_models.clients import ClientTableModel
from ui.views.base import DataView, empty_state
from ui.widgets import fit_columns, sorting_proxy, table_view

LIST_LIMIT = 200


class ClientsView(DataView[list[ClientRow]]):
    TITLE = "Clients"

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Filter by name, e-mail or phone")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.toolbar.addWidget(self.search)

        self.model = ClientTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = table_view(
            self.proxy,
            sort_column=ClientTableModel.COL_NAME,
            stretch_column=ClientTableModel.COL_EMAIL,
        )
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No clients yet. Registering clients comes with booking.")
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)

    def fetch(self) -> Callable[[], list[ClientRow]]:
        db = self.ctx.db
        return lambda: queries.clients(db, limit=LIST_LIMIT)

    def apply(self, data: list[ClientRow]) -> None:
        self.model.set_rows(data)
        if len(data) >= LIST_LIMIT:
            self.set_subtitle(f"The first {LIST_LIMIT} clients by name, with their credit balance")
        else:
            self.set_subtitle(
                f"{len(data)} client{'s' if len(data) != 1 else ''}, with their credit balance"
            )
        self.pages.setCurrentWidget(self.table if data else self.empty)
        fit_columns(self.table)
