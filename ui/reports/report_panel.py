"""The Reports tab: choose a report, a period and whose figures; chart and table
side by side; drill down; save as CSV or PDF. Reports load in the background."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.reports.catalogue import REPORTS, build
from desktop_app.reports.common import Choice, filter_choices
from desktop_app.reports.export import format_cell
from desktop_app.reports.model import Report, Table
from desktop_app.reports.period import Period, Scope, month_of
from desktop_app.reports.selection import Selection
from ui.kit.command_dialog import error_text
from ui.kit.ops import run_in_background
from ui.kit.printing import ask_pdf_path
from ui.kit.table_model import SORT_ROLE
from ui.kit.widgets import fit_columns
from ui.reports.chart import ChartView
from ui.reports.drill import DrillDialog
from ui.reports.exports import file_name, write_csv, write_pdf
from ui.reports.models import ReportTableModel


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


def presets(today: date) -> dict[str, tuple[date, date]]:
    this_month = month_of(today)
    last_month = month_of(this_month.start - timedelta(days=1))
    monday = today - timedelta(days=today.weekday())
    return {
        "This month": (this_month.start, this_month.end),
        "Last month": (last_month.start, last_month.end),
        "This week": (monday, monday + timedelta(days=6)),
        "Last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
        "This year": (date(today.year, 1, 1), date(today.year, 12, 31)),
        "Last 12 months": (today - timedelta(days=364), today),
    }


class ReportPanel(QWidget):
    report_loaded = Signal()

    def __init__(self, ctx: Core, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: Report | None = None
        self.loading = False
        self._load_id = 0
        self.last_saved: Path | None = None
        self.drill: DrillDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)

        controls = QHBoxLayout()
        self.chooser = QComboBox()
        self.chooser.setObjectName("reportChooser")
        for name, spec in REPORTS.items():
            self.chooser.addItem(spec.title, name)
        self.preset = QComboBox()
        self._presets = presets(today)
        self.preset.addItems([*self._presets, "Custom"])
        start, end = self._presets["This month"]
        self.start = QDateEdit(_qdate(start))
        self.end = QDateEdit(_qdate(end))
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd MMM yyyy")
        self.practitioner = QComboBox()
        self.practitioner.setObjectName("practitionerFilter")
        self.practitioner.addItem("All practitioners", None)
        self.service = QComboBox()
        self.service.setObjectName("serviceFilter")
        self.service.addItem("All services", None)
        for label, widget in (
            ("Report", self.chooser),
            ("Period", self.preset),
            ("From", self.start),
            ("to", self.end),
            ("", self.practitioner),
            ("", self.service),
        ):
            if label:
                controls.addWidget(QLabel(label))
            controls.addWidget(widget)
        controls.addStretch(1)
        self.csv_button = QPushButton("Save CSV…")
        self.pdf_button = QPushButton("Save PDF…")
        controls.addWidget(self.csv_button)
        controls.addWidget(self.pdf_button)
        layout.addLayout(controls)

        self.progress = QProgressBar()
        self.progress.setObjectName("reportProgress")
        self.progress.setRange(0, 0)
        self.progress.setFixedHeight(4)
        self.progress.setTextVisible(False)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setObjectName("reportStatus")
        layout.addWidget(self.status)

        self.figures = QFrame()
        self.figures.setObjectName("figureCard")
        self.figure_grid = QGridLayout(self.figures)
        self.figure_grid.setContentsMargins(20, 10, 20, 10)
        layout.addWidget(self.figures)

        self.tabs = QTabBar()
        self.tabs.setObjectName("reportTables")
        self.tabs.setDrawBase(False)
        layout.addWidget(self.tabs)
        split = QSplitter(Qt.Orientation.Horizontal)
        self.chart = ChartView()
        self.model = ReportTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setObjectName("reportTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        split.addWidget(self.chart)
        split.addWidget(self.table)
        split.setSizes([520, 620])
        layout.addWidget(split, 1)
        self.note = QLabel("")
        self.note.setObjectName("reportNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.chooser.currentIndexChanged.connect(lambda _: self.load())
        self.preset.currentTextChanged.connect(self._preset_chosen)
        self.start.dateChanged.connect(lambda _: self._dates_edited())
        self.end.dateChanged.connect(lambda _: self._dates_edited())
        self.practitioner.currentIndexChanged.connect(lambda _: self.load())
        self.service.currentIndexChanged.connect(lambda _: self.load())
        self.tabs.currentChanged.connect(self._show_table)
        self.table.doubleClicked.connect(self._cell_activated)
        self.chart.picked.connect(self.open_drill)
        self.csv_button.clicked.connect(self._ask_csv)
        self.pdf_button.clicked.connect(self._ask_pdf)
        self._choosing = False
        db = ctx.db
        run_in_background(self, lambda: filter_choices(db), self._fill_filters)

    # --- filters -----------------------------------------------------------

    def _fill_filters(self, choices: tuple[tuple[Choice, ...], tuple[Choice, ...]]) -> None:
        self._choosing = True
        for combo, items in ((self.practitioner, choices[0]), (self.service, choices[1])):
            for item in items:
                combo.addItem(item.name, item.id)
        self._choosing = False

    def _preset_chosen(self, name: str) -> None:
        if name not in self._presets:
            return
        start, end = self._presets[name]
        self._choosing = True
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self._choosing = False
        self.load()

    def _dates_edited(self) -> None:
        if self._choosing:
            return
        self.preset.blockSignals(True)
        self.preset.setCurrentText("Custom")
        self.preset.blockSignals(False)
        self.load()

    def choose(
        self,
        name: str,
        start: date,
        end: date,
        practitioner_id: uuid.UUID | None = None,
        service_id: uuid.UUID | None = None,
    ) -> None:
        """Set every control at once and load once (for tests and the screenshots)."""
        self._choosing = True
        self.chooser.setCurrentIndex(self.chooser.findData(name))
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self.preset.setCurrentText("Custom")
        self.practitioner.setCurrentIndex(max(0, self.practitioner.findData(practitioner_id)))
        self.service.setCurrentIndex(max(0, self.service.findData(service_id)))
        self._choosing = False
        self.load()

    # --- loading -----------------------------------------------------------

    def load(self) -> None:
        if self._choosing:
            return
        name = self.chooser.currentData()
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        scope = Scope(self.practitioner.currentData(), self.service.currentData())
        self._load_id += 1
        load_id = self._load_id
        self.loading = True
        self.progress.setVisible(True)
        self.status.setText(f"Computing {self.chooser.currentText().lower()}…")
        self.csv_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        db = self.ctx.db

        def work() -> Report:
            return build(db, name, Period(start, end), scope)

        run_in_background(
            self,
            work,
            lambda report: self._loaded(load_id, report),
            lambda exc: self._failed(load_id, exc),
        )

    def _failed(self, load_id: int, exc: BaseException) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.progress.setVisible(False)
        self.status.setText(error_text(exc))
        self.report_loaded.emit()

    def _loaded(self, load_id: int, report: Report) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.report = report
        self.progress.setVisible(False)
        self.status.setText(f"{report.title} · {report.scope} · {report.period_label}")
        self.csv_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        while self.figure_grid.count():
            item = self.figure_grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        for column, figure in enumerate(report.figures):
            value = QLabel(format_cell(figure.value, figure.kind, report.currency))
            value.setObjectName("figureValue")
            caption = QLabel(figure.label)
            caption.setObjectName("figureCaption")
            self.figure_grid.addWidget(value, 0, column)
            self.figure_grid.addWidget(caption, 1, column)
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for table in report.tables:
            self.tabs.addTab(table.title)
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(False)
        self._show_table(0)
        self.report_loaded.emit()

    @property
    def current_table(self) -> Table | None:
        if self.report is None or not self.report.tables:
            return None
        return self.report.tables[max(0, self.tabs.currentIndex())]

    def _show_table(self, index: int) -> None:
        table = self.current_table
        currency = self.report.currency if self.report else "EUR"
        self.model.show_table(table, currency)
        self.chart.show_table(table, currency)
        notes = [table.note] if table and table.note else []
        notes += list(self.report.notes) if self.report else []
        self.note.setText("  ".join(notes))
        fit_columns(self.table, maximum=220)

    # --- drill-down --------------------------------------------------------

    def selection_at(self, row: int, column: int) -> Selection | None:
        table = self.current_table
        if table is None or not 0 <= row < len(table.rows):
            return None
        return table.rows[row].drill_for(column)

    def _cell_activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        self.open_drill(source.row(), source.column())

    def open_drill(self, row: int, column: int) -> DrillDialog | None:
        selection = self.selection_at(row, column)
        if selection is None or self.report is None:
            self.status.setText("No appointments stand behind that figure.")
            return None
        self.drill = DrillDialog(self.ctx, selection, self.report.currency, self)
        self.drill.show()
        return self.drill

    # --- saving ------------------------------------------------------------

    def _ask_csv(self) -> None:
        if self.report is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save as CSV", file_name(self.report, "csv"), "CSV files (*.csv)"
        )
        if chosen:
            self.save_csv(Path(chosen))

    def _ask_pdf(self) -> None:
        if self.report is None:
            return
        path = ask_pdf_path(self, file_name(self.report, "pdf"))
        if path is not None:
            self.save_pdf(path)

    def save_csv(self, path: Path) -> Path | None:
        assert self.report is not None
        try:
            self.last_saved = write_csv(self.report, path)
        except OSError as exc:
            self.status.setText(f"Could not save {path.name}: {exc.strerror or exc}.")
            return None
        self.status.setText(f"Saved {self.last_saved.name}.")
        return self.last_saved

    def save_pdf(self, path: Path) -> Path | None:
        assert self.report is not None
        try:
            self.last_saved = write_pdf(self.report, path)
        except ClinicdeskError as exc:
            self.status.setText(str(exc))
            return None
        self.status.setText(f"Saved {self.last_saved.name}.")
        return self.last_saved
