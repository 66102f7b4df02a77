"""Importing a partner organisation's CSV of employees: preview first, then confirm.

The file is read and checked off the GUI thread; every row is listed with what
is wrong with it. Nothing is written until the user confirms, and then all the
good rows go in one ImportAllocations command, which imports all of them or
none. The user can also fix the file and reload it, or cancel.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QWidget

from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.partners.commands import ImportAllocations
from desktop_app.partners.csv_import import CsvPreview, preview_allocation_import
from desktop_app.partners.queries import OrganisationRow
from ui.credits.partner_dialogs import terms
from ui.credits.partner_models import ImportPreviewModel, plural
from ui.kit.command_dialog import CommandDialog, error_text
from ui.kit.ops import run_in_background
from ui.kit.page import empty_state
from ui.kit.widgets import fit_columns, sorting_proxy, table_view

# A CSV of 5000 employees is well under this; anything larger is the wrong file.
MAX_FILE_BYTES = 5 * 1024 * 1024


def read_csv_file(path: Path) -> bytes:
    """The file's bytes, or a message that says why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                f"{path.name} is {size // 1024 // 1024} MB: too large for a list of employees. "
                "Choose the CSV file exported from the spreadsheet."
            )
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"Could not read {path.name}: {exc.strerror or exc}. Check that the file exists "
            "and is not open in another program, then press Reload."
        ) from exc


def load_preview(db: Database, organisation_id: uuid.UUID, path: Path, now: datetime) -> CsvPreview:
    return preview_allocation_import(db, organisation_id, read_csv_file(path), now)


def preview_summary(preview: CsvPreview) -> str:
    """What the preview means for the user, in this dialog's terms."""
    if preview.file_errors or not preview.bad_rows:
        return preview.summary()
    good, bad = len(preview.good_rows), len(preview.bad_rows)
    if not good:
        return (
            f"None of the {plural(bad, 'row')} can be imported (highlighted below). Fix the "
            "file and press Reload."
        )
    return (
        f"{bad} of {len(preview.rows)} rows {'has' if bad == 1 else 'have'} problems "
        f"(highlighted below). Fix the file and press Reload, or import the "
        f"{plural(good, 'good row')} only."
    )


class ImportPreviewDialog(CommandDialog):
    """Every row of the file with OK or its problem; imports on confirmation."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        organisation: OrganisationRow,
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Import employees — {organisation.name}",
            caption=(
                f"Each employee gets {terms(organisation)}, unless the file gives their "
                "credits. Nothing is imported until you confirm."
            ),
            action="Import",
            busy_text="Importing…",
            parent=parent,
        )
        self.setObjectName("importPreviewDialog")
        self.organisation = organisation
        self.path = path
        self.preview: CsvPreview | None = None
        self.loading = False
        self._load_id = 0

        file_row = QHBoxLayout()
        file_row.setSpacing(8)
        self.file_label = QLabel()
        self.file_label.setObjectName("fieldValue")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reload_button = QPushButton("Reload")
        self.reload_button.setObjectName("reloadButton")
        self.reload_button.setToolTip("Read the file again, after fixing it in the spreadsheet")
        self.reload_button.setAutoDefault(False)
        self.reload_button.clicked.connect(self.reload)
        caption = QLabel("File")
        caption.setObjectName("fieldCaption")
        file_row.addWidget(caption)
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.reload_button)

        self.summary = QLabel()
        self.summary.setObjectName("actionBanner")
        self.summary.setWordWrap(True)

        self.model = ImportPreviewModel(self)
        self.model.default_credits = organisation.default_credits
        self.proxy = sorting_proxy(self.model, self)
        self.table = table_view(
            self.proxy,
            sort_column=ImportPreviewModel.COL_LINE,
            stretch_column=ImportPreviewModel.COL_RESULT,
        )
        self.table.setObjectName("importPreviewTable")
        # A problem is the point of the preview: shown whole, over several lines if need be.
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(260)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.no_rows = empty_state("No rows to show.")
        self.pages.addWidget(self.no_rows)

        # Above the error line and the buttons that CommandDialog put last.
        position = self.layout_.indexOf(self.error_label)
        self.layout_.insertLayout(position, file_row)
        self.layout_.insertWidget(position + 1, self.summary)
        self.layout_.insertWidget(position + 2, self.pages, 1)
        self.setMinimumWidth(860)
        self.resize(920, 600)
        self.reload()

    # --- reading the file --------------------------------------------------

    def reload(self) -> None:
        if self.sending:
            return
        self._load_id += 1
        load_id = self._load_id
        self.loading = True
        self.show_error("")
        self.file_label.setText(self.path.name)
        self.file_label.setToolTip(str(self.path))
        self._set_summary("Reading the file…", "info")
        self._update_buttons()
        db, org_id, path, now = self.ctx.db, self.organisation.id, self.path, self.ctx.clock.now()
        run_in_background(
            self,
            lambda: load_preview(db, org_id, path, now),
            lambda preview: self._loaded(load_id, preview),
            lambda exc: self._load_failed(load_id, exc),
        )

    def _loaded(self, load_id: int, preview: CsvPreview) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.preview = preview
        self.model.set_rows(preview.rows)
        fit_columns(self.table, maximum=260)
        self.table.resizeRowsToContents()
        self.pages.setCurrentWidget(self.table if preview.rows else self.no_rows)
        if preview.file_errors:
            self.no_rows.setText("Nothing can be read from this file until it is fixed.")
        kind = "error" if preview.file_errors or not preview.good_rows else "success"
        if preview.bad_rows and preview.good_rows:
            kind = "warning"
        self._set_summary(preview_summary(preview), kind)
        self._update_buttons()

    def _load_failed(self, load_id: int, exc: BaseException) -> None:
        if load_id != self._load_id:
            return
        self.loading = False
        self.preview = None
        self.model.set_rows([])
        self.no_rows.setText("Nothing can be read from this file.")
        self.pages.setCurrentWidget(self.no_rows)
        self._set_summary(error_text(exc), "error")
        self._update_buttons()

    def _set_summary(self, text: str, kind: str) -> None:
        self.summary.setText(text)
        if self.summary.property("kind") != kind:
            self.summary.setProperty("kind", kind)
            self.summary.style().unpolish(self.summary)
            self.summary.style().polish(self.summary)

    def _update_buttons(self) -> None:
        good = len(self.preview.good_rows) if self.preview and not self.loading else 0
        all_good = self.preview is not None and self.preview.ok
        if good and not all_good:
            action = f"Import {plural(good, 'good row')}"
        else:
            action = f"Import {plural(good, 'employee')}" if good else "Import"
        # CommandDialog shows its action again after a failed send: keep it current.
        self._action = action
        if not self.sending:
            self.ok_button.setText(action)
        self.ok_button.setEnabled(good > 0 and not self.sending)
        self.reload_button.setEnabled(not self.sending)

    # --- importing -----------------------------------------------------------

    def is_loaded(self) -> bool:
        return not self.loading and not self.sending

    def build_command(self) -> Command:
        if self.preview is None or self.loading or not self.preview.good_rows:
            raise ValidationError("There are no good rows to import.")
        return ImportAllocations(
            organisation_id=self.organisation.id, rows=self.preview.good_allocations()
        )

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.reload_button.setEnabled(not busy)
