"""Saving a report as CSV or as PDF with its charts: plain functions of a path,
so they run (and are tested) without a file dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from desktop_app.reports.export import to_csv, to_html
from desktop_app.reports.model import Report
from ui.kit.printing import print_html, save_pdf
from ui.reports.chart import chart_image


def file_name(report: Report, suffix: str) -> str:
    scope = "".join(c if c.isalnum() else "-" for c in report.scope.lower())
    scope = "-".join(w for w in scope.split("-") if w) or "clinic"
    return f"{report.name}-{scope}-{report.start:%Y-%m-%d}-to-{report.end:%Y-%m-%d}.{suffix}"


def write_csv(report: Report, path: Path) -> Path:
    # UTF-8 with a byte-order mark: spreadsheet programs then read accents right.
    path.write_text(to_csv(report), encoding="utf-8-sig", newline="")
    return path


def charts(report: Report) -> dict[str, QImage]:
    return {
        f"chart-{i}": chart_image(table, report.currency)
        for i, table in enumerate(report.tables)
        if table.chart is not None and table.chart_rows()
    }


def report_html(report: Report, clinic_name: str = "") -> tuple[str, dict[str, QImage]]:
    images = charts(report)
    names = {int(name.split("-")[1]): name for name in images}
    return to_html(report, names, clinic_name), images


def write_pdf(report: Report, path: Path, clinic_name: str = "") -> Path:
    html, images = report_html(report, clinic_name)
    return save_pdf(html, path, f"{report.title} {report.period_label}", images)


def print_report(report: Report, clinic_name: str = "") -> bool:
    html, images = report_html(report, clinic_name)
    return print_html(None, html, f"{report.title} {report.period_label}", images)
