"""A PDF sent with an application is shown inside the app, page by page."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter, QPdfWriter
from pytestqt.qtbot import QtBot

from ui.practitioners.document_viewer import render_document


def _two_page_pdf() -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(10, 10, 10, 10),
        )
    )
    painter = QPainter(writer)
    painter.drawText(100, 100, "Licence: HCPC-123")
    writer.newPage()
    painter.drawText(100, 100, "Page two")
    painter.end()
    buffer.close()
    return bytes(data.data())


def test_a_pdf_is_rendered_to_images(qtbot: QtBot) -> None:
    pdf = _two_page_pdf()
    assert pdf.startswith(b"%PDF-")
    loaded = render_document("licence.pdf", "application/pdf", pdf)
    assert loaded.problem == ""
    assert loaded.page_count == 2
    assert len(loaded.pages) == 2 and not loaded.pages[0].isNull()
