"""Viewing an application's documents inside the app (licence scans, IDs).

Images are shown as they are. PDFs are rendered page by page with Qt's PDF
module when it is installed (it ships in the PySide6-WebEngine wheel, not in
PySide6-Essentials), else with pypdfium2 when that is installed. With
neither, a PDF gets a clear message and "Save as…" / "Open in another app",
never a blank window. Loading and rendering run off the GUI thread: a
document can be several megabytes.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QObject, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.infra.database import Database
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import NotFound
from desktop_app.staff import practitioner_queries
from ui.kit.command_dialog import error_text
from ui.kit.ops import run_in_background
from ui.kit.profile_widgets import DOCUMENT_KIND_LABELS, file_size

try:  # Both PDF renderers are optional: see the module docstring.
    from PySide6.QtPdf import QPdfDocument
except ImportError:  # pragma: no cover - depends on the installed wheels
    QPdfDocument = None  # type: ignore[assignment,misc]
try:
    import pypdfium2  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the installed wheels
    pypdfium2 = None

PDF_SUPPORT = QPdfDocument is not None or pypdfium2 is not None

# pypdfium2's bitmap modes as Qt image formats (its buffers are in these byte orders).
_PDFIUM_FORMATS = {
    "BGR": QImage.Format.Format_BGR888,
    "BGRx": QImage.Format.Format_RGB32,
    "BGRA": QImage.Format.Format_ARGB32,
    "RGB": QImage.Format.Format_RGB888,
    "RGBA": QImage.Format.Format_RGBA8888,
    "L": QImage.Format.Format_Grayscale8,
}

# Enough to read a licence or an ID; a longer PDF says how many pages it has.
MAX_PDF_PAGES = 12
PDF_RENDER_WIDTH = 1200
PAGE_GAP = 14


@dataclass(frozen=True)
class LoadedDocument:
    filename: str
    content_type: str
    data: bytes
    pages: tuple[QImage, ...]  # what can be shown: one image, or the PDF's first pages
    page_count: int  # the PDF's real page count (1 for an image)
    problem: str = ""  # why nothing can be shown, if so


def render_document(filename: str, content_type: str, data: bytes) -> LoadedDocument:
    """Decode an image or render a PDF's pages (safe on a worker thread)."""
    if content_type.startswith("image/"):
        image = QImage.fromData(data)
        if image.isNull():
            return LoadedDocument(filename, content_type, data, (), 0, "The image is damaged.")
        return LoadedDocument(filename, content_type, data, (image,), 1)
    if content_type == "application/pdf":
        if not PDF_SUPPORT:
            return LoadedDocument(
                filename,
                content_type,
                data,
                (),
                0,
                "Clinicdesk on this computer has no PDF renderer installed, so it cannot show "
                "PDF files itself. Save the file or open it in your PDF reader.",
            )
        if QPdfDocument is not None:
            return _render_pdf(filename, data)
        return _render_pdf_with_pdfium(filename, data)
    return LoadedDocument(
        filename, content_type, data, (), 0, f"Files of type {content_type} cannot be shown."
    )


def _render_pdf(filename: str, data: bytes) -> LoadedDocument:  # pragma: no cover - needs QtPdf
    assert QPdfDocument is not None
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        return LoadedDocument(
            filename, "application/pdf", data, (), 0, "The PDF could not be read (damaged?)."
        )
    pages: list[QImage] = []
    for n in range(min(document.pageCount(), MAX_PDF_PAGES)):
        points = document.pagePointSize(n)
        scale = PDF_RENDER_WIDTH / max(points.width(), 1.0)
        size = QSize(PDF_RENDER_WIDTH, max(1, int(points.height() * scale)))
        image = document.render(n, size)
        # Transparent PDF backgrounds read as paper, not as the dialog's grey.
        page = QImage(image.size(), QImage.Format.Format_RGB32)
        page.fill(Qt.GlobalColor.white)
        painter = QPainter(page)
        painter.drawImage(0, 0, image)
        painter.end()
        pages.append(page)
    count = document.pageCount()
    document.close()
    buffer.close()
    return LoadedDocument(filename, "application/pdf", data, tuple(pages), count)


def _render_pdf_with_pdfium(filename: str, data: bytes) -> LoadedDocument:
    assert pypdfium2 is not None
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:  # pdfium says only that it could not parse the file
        return LoadedDocument(
            filename, "application/pdf", data, (), 0, "The PDF could not be read (damaged?)."
        )
    try:
        count = len(document)
        pages: list[QImage] = []
        for n in range(min(count, MAX_PDF_PAGES)):
            page = document[n]
            bitmap = page.render(scale=PDF_RENDER_WIDTH / max(page.get_width(), 1.0))
            image = QImage(
                bytes(bitmap.buffer),
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                _PDFIUM_FORMATS.get(bitmap.mode, QImage.Format.Format_BGR888),
            )
            # The QImage only borrows the bytes above; a copy owns its own.
            pages.append(image.copy())
        return LoadedDocument(filename, "application/pdf", data, tuple(pages), count)
    finally:
        document.close()


class _Pages(QWidget):
    """The pages one under the other, scaled to the available width."""

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("documentPages")
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(PAGE_GAP, PAGE_GAP, PAGE_GAP, PAGE_GAP)
        self.layout_.setSpacing(PAGE_GAP)
        self.images: tuple[QImage, ...] = ()
        self.labels: list[QLabel] = []
        self.fit = True

    def set_images(self, images: tuple[QImage, ...]) -> None:
        for label in self.labels:
            label.deleteLater()
        self.labels = []
        self.images = images
        for _ in images:
            label = QLabel()
            label.setObjectName("documentPage")
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.layout_.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.labels.append(label)
        self.layout_.addStretch(1)

    def relayout(self, width: int) -> None:
        for image, label in zip(self.images, self.labels, strict=True):
            pixmap = QPixmap.fromImage(image)
            # The page's 1-pixel border on each side must fit too.
            available = max(100, width - 2 * PAGE_GAP - 2)
            if self.fit and pixmap.width() > available:
                pixmap = pixmap.scaledToWidth(available, Qt.TransformationMode.SmoothTransformation)
            label.setPixmap(pixmap)


class _Scroll(QScrollArea):
    def __init__(self, pages: _Pages) -> None:
        super().__init__()
        self.pages = pages
        self.setObjectName("documentScroll")
        self.setWidget(pages)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # The viewport narrows when the vertical scroll bar appears; the pages follow it.
        self.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self.pages.relayout(self.viewport().width())
        return False


class DocumentViewer(QDialog):
    """One document: shown when it can be, and always savable."""

    def __init__(
        self,
        ctx: Core | None,
        document_id: uuid.UUID | None,
        *,
        title: str = "",
        kind: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.document_id = document_id
        self.document: LoadedDocument | None = None
        self.setObjectName("documentViewer")
        self.setWindowTitle(f"{title} — Clinicdesk" if title else "Document — Clinicdesk")
        self.resize(880, 720)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.setSpacing(10)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = QLabel(title or "Document")
        self.title_label.setObjectName("dialogTitle")
        self.caption_label = QLabel(DOCUMENT_KIND_LABELS.get(kind, kind))
        self.caption_label.setObjectName("dialogCaption")
        titles.addWidget(self.title_label)
        titles.addWidget(self.caption_label)
        header.addLayout(titles, 1)
        self.fit_button = QPushButton("Actual size")
        self.fit_button.setObjectName("fitButton")
        self.fit_button.setCheckable(True)
        self.fit_button.toggled.connect(self._fit_toggled)
        self.fit_button.setEnabled(False)
        self.open_button = QPushButton("Open in another app")
        self.open_button.setToolTip("Open a private copy with this computer's viewer")
        self.open_button.clicked.connect(self.open_externally)
        self.open_button.setEnabled(False)
        self.save_button = QPushButton("Save as…")
        self.save_button.setObjectName("saveDocument")
        self.save_button.clicked.connect(self.save_as)
        self.save_button.setEnabled(False)
        for button in (self.fit_button, self.open_button, self.save_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(header)

        self.stack = QStackedWidget()
        self.loading = QLabel("Loading the document…")
        self.loading.setObjectName("emptyState")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = _Pages()
        self.scroll_area = _Scroll(self.pages)
        self.message = QFrame()
        self.message.setObjectName("documentMessage")
        message_layout = QVBoxLayout(self.message)
        message_layout.setContentsMargins(40, 40, 40, 40)
        message_layout.addStretch(1)
        self.message_title = QLabel()
        self.message_title.setObjectName("placeholderMessage")
        self.message_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_title.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setObjectName("placeholderDetails")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        message_layout.addWidget(self.message_title)
        message_layout.addWidget(self.message_label)
        message_layout.addStretch(2)
        for widget in (self.loading, self.scroll_area, self.message):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)
        bottom = QHBoxLayout()
        self.footer = QLabel()
        self.footer.setObjectName("gridHint")
        self.footer.setWordWrap(True)
        close = QPushButton("Close")
        close.setObjectName("primaryButton")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        bottom.addWidget(self.footer, 1)
        bottom.addWidget(close)
        layout.addLayout(bottom)

        if ctx is not None and document_id is not None:
            db = ctx.db
            run_in_background(
                self, lambda: _load(db, document_id), self.show_document, self._failed
            )

    # --- showing ---------------------------------------------------------

    def is_loaded(self) -> bool:
        return self.stack.currentWidget() is not self.loading

    def shows_pages(self) -> bool:
        return self.stack.currentWidget() is self.scroll_area and bool(self.pages.images)

    def show_document(self, document: LoadedDocument) -> None:
        self.document = document
        self.title_label.setText(document.filename)
        self.setWindowTitle(f"{document.filename} — Clinicdesk")
        self.save_button.setEnabled(True)
        self.open_button.setEnabled(True)
        size = file_size(len(document.data))
        if document.pages:
            self.pages.set_images(document.pages)
            self.stack.setCurrentWidget(self.scroll_area)
            self.pages.relayout(self.scroll_area.viewport().width())
            self.fit_button.setEnabled(True)
            if document.content_type == "application/pdf":
                shown = len(document.pages)
                more = (
                    f" (the first {shown} are shown; save it to read the rest)"
                    if shown < document.page_count
                    else ""
                )
                self.footer.setText(f"PDF · {document.page_count} page(s){more} · {size}")
            else:
                image = document.pages[0]
                self.footer.setText(f"Image · {image.width()} × {image.height()} px · {size}")
        else:
            self.message_title.setText(f"“{document.filename}” cannot be shown here")
            self.message_label.setText(document.problem)
            self.stack.setCurrentWidget(self.message)
            self.footer.setText(f"{document.content_type} · {size}")

    def _failed(self, exc: BaseException) -> None:
        self.message_title.setText("The document could not be loaded")
        self.message_label.setText(error_text(exc))
        self.stack.setCurrentWidget(self.message)

    def _fit_toggled(self, actual: bool) -> None:
        self.pages.fit = not actual
        self.pages.relayout(self.scroll_area.viewport().width())

    # --- saving ----------------------------------------------------------

    def save_as(self) -> None:
        if self.document is None:
            return
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the document", self.document.filename
        )
        if not path:
            return
        try:
            Path(path).write_bytes(self.document.data)
        except OSError as exc:
            self.footer.setText(f"Could not save to {path}: {exc.strerror or exc}.")
        else:
            self.footer.setText(f"Saved to {path}.")

    def open_externally(self) -> None:
        if self.document is None:
            return
        # A private folder (mode 0700): the copy is readable by this user only.
        folder = Path(tempfile.mkdtemp(prefix="clinicdesk-doc-"))
        path = folder / Path(self.document.filename).name
        try:
            path.write_bytes(self.document.data)
        except OSError as exc:
            self.footer.setText(f"Could not make a copy to open: {exc.strerror or exc}.")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.footer.setText(f"No app to open it was found; a copy is in {path}.")


def _load(db: Database, document_id: uuid.UUID) -> LoadedDocument:
    found = practitioner_queries.document_content(db, document_id)
    if found is None:
        raise NotFound("That document is no longer on file.")
    filename, content_type, data = found
    return render_document(filename, content_type, data)
