"""Printing and saving HTML documents (receipts, reports) as PDF.

The core renders documents as self-contained HTML (desktop_app.receipts,
desktop_app.partner_report); Qt's rich-text engine lays them out for paper.
Saving is a plain function of a path, so it runs without a file dialog.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_app.kernel.errors import ClinicdeskError

# A4 with 15 mm margins: what clinics print on (and what a letter printer scales well).
PAGE_SIZE = QPageSize.PageSizeId.A4
MARGINS_MM = QMarginsF(15, 15, 15, 15)
PDF_RESOLUTION = 300


Images = Mapping[str, QImage]


def document_for(html: str, title: str = "", images: Images | None = None) -> QTextDocument:
    """`images`: pictures the HTML names in `<img src="NAME">` (charts drawn by the UI)."""
    document = QTextDocument()
    for name, image in (images or {}).items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
    document.setHtml(html)
    if title:
        document.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, title)
    return document


def save_pdf(html: str, path: Path, title: str = "", images: Images | None = None) -> Path:
    """Write `html` as a PDF file; a clear error when the file cannot be written."""
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        path = path.with_suffix(".pdf")
    # QPdfWriter fails silently on an unwritable path; check first so the user hears why.
    try:
        with open(path, "wb"):
            pass
    except OSError as exc:
        raise ClinicdeskError(f"Could not save {path.name}: {exc.strerror or exc}.") from exc
    writer = QPdfWriter(str(path))
    writer.setResolution(PDF_RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZE),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    if title:
        writer.setTitle(title)
    document = document_for(html, title, images)
    document.print_(writer)
    del writer  # flushes the file
    return path


def ask_pdf_path(parent: QWidget | None, suggested_name: str) -> Path | None:
    """The file the user chose to save a PDF to, or None if they cancelled."""
    chosen, _ = QFileDialog.getSaveFileName(
        parent, "Save as PDF", suggested_name, "PDF documents (*.pdf)"
    )
    return Path(chosen) if chosen else None


def print_html(
    parent: QWidget | None, html: str, title: str = "", images: Images | None = None
) -> bool:
    """Ask for a printer and print; False when the user cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(
        QPageLayout(
            QPageSize(PAGE_SIZE),
            QPageLayout.Orientation.Portrait,
            MARGINS_MM,
            QPageLayout.Unit.Millimeter,
        )
    )
    if title:
        printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    document_for(html, title, images).print_(printer)
    return True
