"""A receipt on screen, to print or to save as PDF: after a sale, or reopened
from the client's ledger.

The core writes the receipt as HTML (desktop_app.receipts); the window shows
exactly what is printed, since both go through Qt's rich-text engine.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop_app.credits.receipts import Receipt, receipt_by_number, receipt_for, receipt_html
from desktop_app.kernel.core import Core
from ui.kit.command_dialog import error_text, form_error_label
from ui.kit.ops import run_in_background
from ui.kit.printing import ask_pdf_path, print_html, save_pdf


class ReceiptWindow(QDialog):
    """One payment's receipt, by its payment id or by its receipt number."""

    def __init__(
        self,
        ctx: Core,
        *,
        payment_id: uuid.UUID | None = None,
        receipt_number: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if (payment_id is None) == (receipt_number is None):
            raise ValueError("a receipt is found by its payment or by its number, not both")
        self.ctx = ctx
        self.receipt: Receipt | None = None
        self.html = ""
        self.loading = True
        self.setObjectName("receiptWindow")
        self.setWindowTitle(f"Receipt {receipt_number}" if receipt_number else "Receipt")
        self.resize(620, 640)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        self.title = QLabel("Receipt")
        self.title.setObjectName("dialogTitle")
        layout.addWidget(self.title)
        self.browser = QTextBrowser()
        self.browser.setObjectName("receiptBrowser")
        self.browser.setOpenLinks(False)
        self.browser.setPlaceholderText("Loading the receipt…")
        # Paper-white with a margin, like the printed page.
        self.browser.document().setDocumentMargin(24)
        self.browser.setStyleSheet(
            "QTextBrowser { background: #ffffff; border: 1px solid #cbd2d9; border-radius: 6px; }"
        )
        layout.addWidget(self.browser, 1)
        self.status = QLabel()
        self.status.setObjectName("helpLine")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        self.error_label = form_error_label()
        layout.addWidget(self.error_label)

        buttons = QHBoxLayout()
        self.print_button = QPushButton("Print…")
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button = QPushButton("Save as PDF…")
        self.pdf_button.clicked.connect(self.save_as_pdf)
        self.close_button = QPushButton("Close")
        self.close_button.setObjectName("primaryButton")
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self._set_ready(False)

        db = ctx.db

        def load() -> Receipt:
            if payment_id is not None:
                return receipt_for(db, payment_id)
            assert receipt_number is not None
            return receipt_by_number(db, receipt_number)

        run_in_background(self, load, self._loaded, self._failed)

    def is_loaded(self) -> bool:
        return not self.loading

    @property
    def document_title(self) -> str:
        return f"Receipt {self.receipt.receipt_number}" if self.receipt else "Receipt"

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.pdf_button.setEnabled(ready)

    def _loaded(self, receipt: Receipt) -> None:
        self.loading = False
        self.receipt = receipt
        self.html = receipt_html(receipt)
        self.browser.setHtml(self.html)
        self.title.setText(f"Receipt {receipt.receipt_number}")
        self.setWindowTitle(self.document_title)
        self._set_ready(True)

    def _failed(self, exc: BaseException) -> None:
        self.loading = False
        self.browser.setPlaceholderText("")
        self.error_label.setText(error_text(exc))
        self.error_label.setVisible(True)

    def _say(self, text: str) -> None:
        self.error_label.setVisible(False)
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def save_to(self, path: Path) -> Path:
        """Write the receipt as a PDF at `path` (no dialog); the file written."""
        return save_pdf(self.html, path, self.document_title)

    def save_as_pdf(self) -> None:
        if self.receipt is None:
            return
        path = ask_pdf_path(self, f"{self.document_title}.pdf")
        if path is None:
            return
        try:
            written = self.save_to(path)
        except Exception as exc:
            self.error_label.setText(error_text(exc))
            self.error_label.setVisible(True)
            return
        self._say(f"Saved as {written.name} in {written.parent}.")

    def print_receipt(self) -> None:
        if self.receipt is None:
            return
        if print_html(self, self.html, self.document_title):
            self._say("Sent to the printer.")
