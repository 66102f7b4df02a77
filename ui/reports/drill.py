"""The appointments behind a figure, loaded in the background."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop_app.kernel.core import Core
from desktop_app.reports.selection import Behind, Selection, appointments
from ui.kit.ops import run_in_background
from ui.kit.widgets import fit_columns, sorting_proxy, table_view
from ui.reports.models import AppointmentsModel


class DrillDialog(QDialog):
    loaded = Signal()

    def __init__(
        self, ctx: Core, selection: Selection, currency: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("drillDialog")
        self.setWindowTitle(selection.label)
        self.resize(980, 520)
        self.behind: Behind | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel(selection.label)
        self.heading.setObjectName("dialogTitle")
        layout.addWidget(self.heading)
        self.count = QLabel("Loading…")
        layout.addWidget(self.count)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFixedHeight(4)
        self.progress.setTextVisible(False)
        layout.addWidget(self.progress)
        self.model = AppointmentsModel(self)
        self.model.currency = currency
        self.table = table_view(sorting_proxy(self.model, self))
        self.table.setObjectName("drillTable")
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        db = ctx.db
        run_in_background(self, lambda: appointments(db, selection), self._show)

    def _show(self, behind: Behind) -> None:
        self.behind = behind
        self.progress.setVisible(False)
        self.model.set_rows(list(behind.rows))
        more = f" (the first {len(behind.rows):,} shown)" if behind.total > len(behind.rows) else ""
        self.count.setText(f"{behind.total:,} appointments{more}")
        fit_columns(self.table)
        self.loaded.emit()
