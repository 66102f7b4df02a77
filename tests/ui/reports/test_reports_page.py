"""The Reports page: chooser, chart beside the table, drill-down, CSV and PDF,
dashboards and the cash-up, over the hand-counted July (tests/integration/reports)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.payments.queries import appointment_due
from models import Role
from tests import factories
from tests.integration.reports.clinic import JULY, JulyClinic
from ui.reports.page import ReportsView
from ui.reports.report_panel import ReportPanel


@pytest.fixture
def july(sqlite_app: AppContext) -> JulyClinic:
    return JulyClinic(sqlite_app)


def _page(qtbot: QtBot, app: AppContext, *roles: Role) -> ReportsView:
    actor = factories.staff(app, "Mo Manager", *roles)
    page = ReportsView(app, actor)
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    page.ensure_loaded()
    qtbot.waitUntil(page.is_loaded, timeout=20_000)
    return page


def _choose(qtbot: QtBot, panel: ReportPanel, name: str) -> None:
    with qtbot.waitSignal(panel.report_loaded, timeout=20_000):
        panel.choose(name, *JULY)
    assert panel.report is not None and panel.report.name == name


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def test_a_report_shows_figures_chart_and_table(
    qtbot: QtBot, sqlite_app: AppContext, july: JulyClinic
) -> None:
    page = _page(qtbot, sqlite_app, Role.MANAGER)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == [
        "Dashboard",
        "Reports",
        "Cash-up",
    ]
    panel = page.reports
    assert panel is not None
    page.tabs.setCurrentWidget(panel)
    _choose(qtbot, panel, "utilisation")
    assert panel.model.rowCount() == 3  # Ada, Bea, the clinic
    assert panel.model.index(0, 1).data() == "170.0"
    assert panel.model.index(0, 3).data() == "1.0 %"
    assert panel.tabs.count() == 2
    qtbot.waitUntil(lambda: bool(panel.chart.hits), timeout=5_000)
    panel.tabs.setCurrentIndex(1)  # the heat map
    assert panel.chart.table is not None and panel.chart.table.title == "By weekday and hour"


def test_drill_down_from_the_table_and_the_chart(
    qtbot: QtBot, sqlite_app: AppContext, july: JulyClinic
) -> None:
    page = _page(qtbot, sqlite_app, Role.MANAGER)
    panel = page.reports
    assert panel is not None
    page.tabs.setCurrentWidget(panel)
    _choose(qtbot, panel, "no-shows")
    ada = next(i for i, r in enumerate(panel.current_table.rows) if r.cells[0] == "Ada Alder")  # type: ignore[union-attr]
    dialog = panel.open_drill(ada, 3)  # the no-shows cell
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.behind is not None, timeout=10_000)
    assert [r.id for r in dialog.behind.rows] == [july.a4]  # type: ignore[union-attr]
    assert dialog.count.text() == "1 appointments"
    dialog.close()

    qtbot.waitUntil(lambda: bool(panel.chart.hits), timeout=5_000)
    rect = next(h[0] for h in panel.chart.hits if h[1] == ada and h[2] == 4)
    qtbot.mouseClick(
        panel.chart,
        Qt.MouseButton.LeftButton,
        pos=QPoint(int(rect.center().x()), int(rect.center().y())),
    )
    late = panel.drill
    assert late is not None and late is not dialog
    qtbot.waitUntil(lambda: late.behind is not None, timeout=10_000)
    assert [r.id for r in late.behind.rows] == [july.a5]  # type: ignore[union-attr]


def test_exports_to_csv_and_pdf_with_the_charts(
    qtbot: QtBot, sqlite_app: AppContext, july: JulyClinic, tmp_path: Path
) -> None:
    page = _page(qtbot, sqlite_app, Role.MANAGER)
    panel = page.reports
    assert panel is not None
    _choose(qtbot, panel, "no-shows")
    csv_path = panel.save_csv(tmp_path / "no-shows.csv")
    assert csv_path is not None
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "'=cmd|' /C calc'!A0" in text
    assert "\n=cmd" not in text and ",=cmd" not in text
    pdf_path = panel.save_pdf(tmp_path / "no-shows.pdf")
    assert pdf_path is not None
    words = pdf_text(pdf_path)
    assert "No-shows and late cancellations" in words
    assert "Ada Alder" in words
    assert "Late cancellations" in words
    _choose(qtbot, panel, "utilisation")
    pdf = panel.save_pdf(tmp_path / "utilisation.pdf")
    assert pdf is not None
    doc = pdfium.PdfDocument(str(pdf))
    try:
        images = sum(
            1 for p in doc for obj in p.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
        )
    finally:
        doc.close()
    assert images >= 2  # the bar chart and the heat map
    assert "By weekday and hour" in pdf_text(pdf)


def test_cash_up_takes_a_payment_and_prints(
    qtbot: QtBot, sqlite_app: AppContext, july: JulyClinic, tmp_path: Path
) -> None:
    page = _page(qtbot, sqlite_app, Role.FRONT_DESK)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["Dashboard", "Cash-up"]
    cash = page.cash_up
    assert cash is not None
    dialog = cash.open_payment(appointment_due(sqlite_app.db, july.b1))
    assert dialog.amount.text() == "60.00"
    dialog.amount.setText("sixty")
    dialog.submit()
    assert "not an amount" in dialog.error_label.text()
    dialog.amount.setText("60")
    dialog.method.setCurrentIndex(dialog.method.findText("Card"))
    with qtbot.waitSignal(cash.loaded, timeout=10_000):
        dialog.submit()
    assert [line.amount_cents for line in cash.model.rows] == [6000]
    assert "DP-0000001" in cash.status.text()
    assert "Card €60.00" in cash.totals.text()
    words = pdf_text(cash.save_pdf(tmp_path / "cash-up.pdf"))
    assert "cash-up" in words and "Zoe New" in words


def test_dashboards_for_each_role(qtbot: QtBot, sqlite_app: AppContext, july: JulyClinic) -> None:
    page = _page(qtbot, sqlite_app, Role.MANAGER)
    data = page.dashboard.data
    assert data is not None and data.manager is not None and data.desk is not None
    assert data.practitioner is None
    practitioner = ReportsView(sqlite_app, july.ada_actor)
    qtbot.addWidget(practitioner)
    practitioner.ensure_loaded()
    qtbot.waitUntil(practitioner.is_loaded, timeout=20_000)
    assert practitioner.tabs.count() == 1
    mine = practitioner.dashboard.data
    assert mine is not None and mine.practitioner is not None and mine.manager is None
