"""A partner organisation's usage report for a period, saved as CSV or PDF.

Writing the files are plain functions of a path, so they run (and are
tested) without a file dialog.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.partners.usage_report import PartnerUsage, partner_usage, usage_csv, usage_html
from ui.credits.partner_models import UsageTableModel
from ui.kit.command_dialog import error_text
from ui.kit.ops import run_in_background
from ui.kit.page import empty_state
from ui.kit.printing import ask_pdf_path, save_pdf
from ui.kit.widgets import fit_columns, sorting_proxy, table_view

SHORT_COLUMNS = {
    UsageTableModel.COL_REFERENCE: 96,
    UsageTableModel.COL_STATUS: 110,
    UsageTableModel.COL_CREDITS: 72,
}


def last_month(today: date) -> tuple[date, date]:
    """The whole calendar month before `today`'s."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def report_name(usage: PartnerUsage, suffix: str) -> str:
    """A file name that says whose report and which period, e.g. for the save dialog."""
    words = "".join(c if c.isalnum() else "-" for c in usage.organisation_name.lower())
    slug = "-".join(w for w in words.split("-") if w) or "partner"
    return f"{slug}-usage-{usage.start:%Y-%m-%d}-to-{usage.end:%Y-%m-%d}.{suffix}"


def report_title(usage: PartnerUsage) -> str:
    return f"{usage.organisation_name}: usage {usage.start:%d %b %Y} – {usage.end:%d %b %Y}"


def write_usage_csv(usage: PartnerUsage, path: Path) -> Path:
    # UTF-8 with a byte-order mark, as the audit export: spreadsheet programs
    # then read the accents in employees' names correctly.
    path.write_text(usage_csv(usage), encoding="utf-8-sig", newline="")
    return path


def write_usage_pdf(usage: PartnerUsage, path: Path, clinic_name: str = "") -> Path:
    return save_pdf(usage_html(usage, clinic_name), path, report_title(usage))


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class _Figures(QFrame):
    """The report's headline numbers, side by side in one card."""

    CAPTIONS: ClassVar[dict[str, str]] = {
        "sessions": "Sessions",
        "credits_used": "Credits used",
        "employees_served": "Employees who came",
        "credits_available": "Credits available now",
    }

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("figureCard")
        grid = QGridLayout(self)
        grid.setContentsMargins(20, 12, 20, 12)
        grid.setHorizontalSpacing(28)
        grid.setVerticalSpacing(2)
        self.values: dict[str, QLabel] = {}
        for column, (key, caption) in enumerate(self.CAPTIONS.items()):
            value = QLabel("–")
            value.setObjectName("figureValue")
            label = QLabel(caption)
            label.setObjectName("figureCaption")
            grid.addWidget(value, 0, column)
            grid.addWidget(label, 1, column)
            grid.setColumnStretch(column, 1)
            self.values[key] = value

    def show_usage(self, usage: PartnerUsage | None) -> None:
        for key, label in self.values.items():
            label.setText("–" if usage is None else f"{getattr(usage, key):,}")


class UsageReportDialog(QDialog):
    """Pick a period (last month by default), look at the usage, save it."""

    def __init__(
        self,
        ctx: Core,
        organisation_id: uuid.UUID,
        organisation_name: str,
        today: date,
        clinic_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.organisation_id = organisation_id
        self.clinic_name = clinic_name
        self.usage: PartnerUsage | None = None
        self.loading = False
        self._load_id = 0
        self.last_saved: Path | None = None
        self.setObjectName("usageReportDialog")
        self.setProperty("clinicForm", True)
        self.setWindowTitle(f"Usage report — {organisation_name}")
        self.setMinimumWidth(900)
        self.resize(1040, 620)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(12)
        heading = QLabel(f"Usage report — {organisation_name}")
        heading.setObjectName("dialogTitle")
        layout.addWidget(heading)
        caption = QLabel(
            "Sessions in the period paid with this organisation's credits: attended, booked, "
            "no-shows and late cancellations. A session cancelled in time gave its credit "
            "back and is not listed."
        )
        caption.setObjectName("dialogCaption")
        caption.setWordWrap(True)
        layout.addWidget(caption)

        period = QHBoxLayout()
        period.setSpacing(8)
        start, end = last_month(today)
        self.start_date = QDateEdit(_qdate(start))
        self.end_date = QDateEdit(_qdate(end))
        for edit, name in ((self.start_date, "startDate"), (self.end_date, "endDate")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setMinimumWidth(150)
            edit.dateChanged.connect(lambda _d: self.reload())
        from_label = QLabel("From")
        from_label.setObjectName("toolbarCaption")
        to_label = QLabel("to")
        to_label.setObjectName("toolbarCaption")
        period.addWidget(from_label)
        period.addWidget(self.start_date)
        period.addWidget(to_label)
        period.addWidget(self.end_date)
        period.addStretch(1)
        layout.addLayout(period)

        self.figures = _Figures()
        layout.addWidget(self.figures)

        self.model = UsageTableModel(self)
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=UsageTableModel.COL_WHEN,
            stretch_column=UsageTableModel.COL_EMPLOYEE,
        )
        self.table.setObjectName("usageTable")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No partner sessions in this period.")
        self.pages.addWidget(self.empty)
        layout.addWidget(self.pages, 1)

        self.status = QLabel()
        self.status.setObjectName("actionBanner")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        buttons = QHBoxLayout()
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setObjectName("exportCsvButton")
        self.csv_button.setAutoDefault(False)
        self.csv_button.clicked.connect(self.export_csv)
        self.pdf_button = QPushButton("Save PDF…")
        self.pdf_button.setObjectName("savePdfButton")
        self.pdf_button.setAutoDefault(False)
        self.pdf_button.clicked.connect(self.export_pdf)
        close = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        # Not the date fields: typing there would change the period by accident.
        close.setFocus()
        self.reload()

    # --- loading -----------------------------------------------------------

    def period(self) -> tuple[date, date]:
        return _pydate(self.start_date.date()), _pydate(self.end_date.date())

    def set_period(self, start: date, end: date) -> None:
        for edit in (self.start_date, self.end_date):
            edit.blockSignals(True)
        self.start_date.setDate(_qdate(start))
        self.end_date.setDate(_qdate(end))
        for edit in (self.start_date, self.end_date):
            edit.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self._load_id += 1
        load_id = self._load_id
        self.loading = True
        self._update_buttons()
        db, org_id, (start, end) = self.ctx.db, self.organisation_id, self.period()
        run_in_background(
            self,
            lambda: partner_usage(db, org_id, start, end),
            lambda usage: self._loaded(load_id, usage),
            lambda exc: self._failed(load_id, exc),
        )

    def _loaded(self, load_id: int, usage: PartnerUsage) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.usage = usage
        self.figures.show_usage(usage)
        self.model.set_rows(usage.rows)
        fit_columns(self.table, maximum=240)
        # Short codes and labels: the room goes to the people.
        header = self.table.horizontalHeader()
        for column, width in SHORT_COLUMNS.items():
            header.resizeSection(column, width)
        self.pages.setCurrentWidget(self.table if usage.rows else self.empty)
        self._show_status("", "")
        self._update_buttons()

    def _failed(self, load_id: int, exc: BaseException) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.usage = None
        self.figures.show_usage(None)
        self.model.set_rows([])
        self.pages.setCurrentWidget(self.empty)
        self._show_status(error_text(exc), "error")
        self._update_buttons()

    def is_loaded(self) -> bool:
        return not self.loading

    def _update_buttons(self) -> None:
        ready = self.usage is not None and not self.loading
        self.csv_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def _show_status(self, text: str, kind: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.status.setProperty("kind", kind)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    # --- saving ------------------------------------------------------------

    def save_csv(self, path: Path) -> Path | None:
        """Write the report shown as CSV to `path`; the outcome is shown in the dialog."""
        usage = self.usage
        if usage is None:
            return None
        return self._saved(lambda: write_usage_csv(usage, path))

    def save_pdf(self, path: Path) -> Path | None:
        usage, clinic_name = self.usage, self.clinic_name
        if usage is None:
            return None
        return self._saved(lambda: write_usage_pdf(usage, path, clinic_name))

    def _saved(self, write: Callable[[], Path]) -> Path | None:
        try:
            saved = write()
        except OSError as exc:
            self._show_status(f"Could not save the file: {exc.strerror or exc}.", "error")
            return None
        except ClinicdeskError as exc:
            self._show_status(str(exc), "error")
            return None
        self.last_saved = saved
        self._show_status(f"Saved {saved}.", "success")
        return saved

    def export_csv(self) -> None:
        if self.usage is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Export the usage report", report_name(self.usage, "csv"), "CSV files (*.csv)"
        )
        if chosen:
            path = Path(chosen)
            self.save_csv(path if path.suffix else path.with_suffix(".csv"))

    def export_pdf(self) -> None:
        if self.usage is None:
            return
        path = ask_pdf_path(self, report_name(self.usage, "pdf"))
        if path is not None:
            self.save_pdf(path)
