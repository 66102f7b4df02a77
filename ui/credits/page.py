"""Credits & partners (desk and manager): partner organisations with their
employees' allocations, CSV import and usage reports; and the credit packs.

Managers change things; the desk sees the same page read-only (the core
checks every command; the buttons a role may not use are not shown).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clients.events import ClientChanged
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.clinic.settings import ClinicSettings
from desktop_app.credits.events import CreditPacksChanged, CreditsChanged
from desktop_app.credits.ledger import PackRow, credit_packs
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    CreatePartnerOrganisation,
    ImportAllocations,
    RevokeAllocation,
    UpdatePartnerOrganisation,
)
from desktop_app.partners.events import PartnerOrganisationChanged
from desktop_app.partners.queries import (
    AllocationRow,
    OrganisationRow,
    partner_allocations,
    partner_organisations,
)
from desktop_app.partners.results import AllocationResult
from desktop_app.partners.usage_report import organisation_totals
from models.enums import AllocationStatus
from ui.credits.credit_packs import CreditPacksPanel
from ui.credits.partner_dialogs import AllocateDialog, OrganisationDialog, RevokeDialog
from ui.credits.partner_import import ImportPreviewDialog
from ui.credits.partner_models import (
    NO_TOTALS,
    AllocationTableModel,
    OrganisationItem,
    OrganisationTableModel,
    plural,
)
from ui.credits.partner_report_view import UsageReportDialog
from ui.kit.command_dialog import error_text, open_in_place, section_title
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, empty_state
from ui.kit.table_model import ROW_ROLE
from ui.kit.widgets import CaptionedValue, fit_columns, sorting_proxy, table_view

# The list of organisations grows to this many rows, then scrolls.
ORGANISATION_LIST_ROWS = 4
NUMBER_COLUMN_WIDTH = 70


@dataclass(frozen=True)
class CreditsPage:
    organisations: list[OrganisationItem]
    packs: list[PackRow]
    settings: ClinicSettings
    today: date
    # The allocations of this organisation (the one selected when the load began).
    allocations_for: uuid.UUID | None
    allocations: list[AllocationRow]


def load_page(
    db: Database, today_of: Callable[[str], date], selected: uuid.UUID | None
) -> CreditsPage:
    settings = clinic_queries.clinic_settings(db)
    totals = organisation_totals(db)
    organisations = [
        OrganisationItem(o, totals.get(o.id, NO_TOTALS)) for o in partner_organisations(db)
    ]
    ids = [o.id for o in organisations]
    shown = selected if selected in ids else (ids[0] if ids else None)
    return CreditsPage(
        organisations=organisations,
        packs=credit_packs(db, include_inactive=True),
        settings=settings,
        today=today_of(settings.timezone),
        allocations_for=shown,
        allocations=partner_allocations(db, shown) if shown is not None else [],
    )


def import_message(result: object) -> str:
    if not isinstance(result, AllocationResult):
        return "Imported."
    total = len(result.allocation_ids)
    parts = [f"Imported {plural(total, 'employee')}"]
    if result.credited:
        parts.append(f"{result.credited} credited to their client record at once")
    if result.waiting:
        parts.append(f"{result.waiting} waiting until they register or book")
    return ", ".join(parts) + "."


class _Facts(QWidget):
    """Captions over values, side by side."""

    def __init__(self, captions: dict[str, str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(22)
        grid.setVerticalSpacing(8)
        self.fields = {key: CaptionedValue(caption) for key, caption in captions.items()}
        self.values: dict[str, QLabel] = {key: f.value for key, f in self.fields.items()}
        for i, field in enumerate(self.fields.values()):
            field.value.setWordWrap(False)
            grid.addWidget(field, 0, i)
        # The last (the contact) is the longest.
        for column in range(len(captions)):
            grid.setColumnStretch(column, 2 if column == len(captions) - 1 else 1)

    def set(self, key: str, text: str | None) -> None:
        self.fields[key].set(text)


class CreditsView(DataView[CreditsPage]):
    TITLE = "Credits & partners"
    REFRESH_ON = (
        PartnerOrganisationChanged,
        CreditPacksChanged,
        CreditsChanged,
        ClientChanged,
        ClinicSettingsChanged,
    )

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        bus = ctx.bus
        self.can_create = bus.may(actor, CreatePartnerOrganisation)
        self.can_edit = bus.may(actor, UpdatePartnerOrganisation)
        self.can_allocate = bus.may(actor, AllocatePartnerCredits)
        self.can_import = bus.may(actor, ImportAllocations)
        self.can_revoke = bus.may(actor, RevokeAllocation)
        self.selected_id: uuid.UUID | None = None
        self.settings: ClinicSettings | None = None
        self.today = ctx.clock.now().date()
        self.tz = ZoneInfo("UTC")
        self._allocations_loading = 0
        self._allocation_load_id = 0
        self._applying = False
        self.dialog: QDialog | None = None
        if not self.can_edit:
            self.set_subtitle("Read-only: a manager changes partner organisations and packs.")

        self.new_button = QPushButton("New organisation…")
        self.new_button.setObjectName("primaryButton")
        self.new_button.clicked.connect(self.new_organisation)
        self.toolbar.addWidget(self.new_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("pageTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_partners(), "Partner organisations")
        self.packs = CreditPacksPanel(ctx, actor)
        self.tabs.addTab(self.packs, "Credit packs")
        self.toolbar.addWidget(self.packs.new_button)
        self.tabs.currentChanged.connect(lambda _i: self._update_actions())
        self.body.addWidget(self.tabs, 1)
        self._update_actions()

    # --- layout ------------------------------------------------------------

    def _build_partners(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.setSpacing(10)
        self.banner = QLabel()
        self.banner.setObjectName("actionBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)

        # A clinic has a handful of partners and each has many employees: the
        # list of organisations stays short, their allocations get the room.
        self.org_model = OrganisationTableModel(self)
        self.org_proxy = sorting_proxy(self.org_model, self)
        self.org_table = table_view(
            self.org_proxy,
            sort_column=OrganisationTableModel.COL_NAME,
            stretch_column=OrganisationTableModel.COL_NAME,
        )
        self.org_table.setObjectName("organisationsTable")
        self.org_table.selectionModel().currentRowChanged.connect(self._organisation_changed)
        self.org_pages = QStackedWidget()
        self.org_pages.addWidget(self.org_table)
        self.org_pages.addWidget(
            empty_state(
                "No partner organisations yet."
                + ("\nAdd one with “New organisation…”." if self.can_create else "")
            )
        )
        self.org_pages.setFixedHeight(160)
        layout.addWidget(self.org_pages)

        self.detail = QStackedWidget()
        self.detail.addWidget(empty_state("Select an organisation to see its employees."))
        self.card = QFrame()
        self.card.setObjectName("recordCard")
        self.detail.addWidget(self.card)
        self._build_card()
        layout.addWidget(self.detail, 1)
        return page

    def _build_card(self) -> None:
        layout = QVBoxLayout(self.card)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(8)
        self.name_label = QLabel()
        self.name_label.setObjectName("recordName")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.name_label, 1)
        self.allocate_button = QPushButton("Allocate to an employee…")
        self.allocate_button.setObjectName("primaryButton")
        self.allocate_button.clicked.connect(self.allocate)
        self.import_button = QPushButton("Import CSV…")
        self.import_button.setToolTip("Allocate credits to a list of employees from a CSV file")
        self.import_button.clicked.connect(lambda: self.import_csv())
        self.report_button = QPushButton("Usage report…")
        self.report_button.setToolTip("Sessions used in a period, to send to the organisation")
        self.report_button.clicked.connect(self.usage_report)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setToolTip("Change the name, contact and defaults")
        self.edit_button.clicked.connect(self.edit_organisation)
        self.allocate_button.setVisible(self.can_allocate)
        self.import_button.setVisible(self.can_import)
        self.edit_button.setVisible(self.can_edit)
        for button in (
            self.edit_button,
            self.report_button,
            self.import_button,
            self.allocate_button,
        ):
            top.addWidget(button)
        layout.addLayout(top)

        self.facts = _Facts(
            {
                "credits": "Credits per employee",
                "duration": "Session length",
                "validity": "Credits valid for",
                "left": "Credits left now",
                "contact": "Contact",
            }
        )
        layout.addWidget(self.facts)

        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(section_title("Allocations"))
        self.allocations_summary = QLabel()
        self.allocations_summary.setObjectName("cardCaption")
        head.addWidget(self.allocations_summary)
        head.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Find an employee")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self.revoke_button = QPushButton("Revoke…")
        self.revoke_button.setObjectName("dangerOutlineButton")
        self.revoke_button.setToolTip("Take back the unused credits of the selected allocation")
        self.revoke_button.clicked.connect(self.revoke)
        self.revoke_button.setVisible(self.can_revoke)
        head.addWidget(self.search)
        head.addWidget(self.revoke_button)
        layout.addLayout(head)

        self.allocation_model = AllocationTableModel(self)
        self.allocation_proxy = sorting_proxy(self.allocation_model, self)
        self.search.textChanged.connect(self.allocation_proxy.setFilterFixedString)
        self.allocation_table = table_view(
            self.allocation_proxy,
            sort_column=AllocationTableModel.COL_EMAIL,
            stretch_column=AllocationTableModel.COL_CLIENT,
        )
        self.allocation_table.setObjectName("allocationsTable")
        self.allocation_table.selectionModel().selectionChanged.connect(
            lambda _selected, _deselected: self._update_actions()
        )
        self.allocation_pages = QStackedWidget()
        self.allocation_pages.addWidget(self.allocation_table)
        self.no_allocations = empty_state("No employee has credits from this organisation yet.")
        self.allocation_pages.addWidget(self.no_allocations)
        layout.addWidget(self.allocation_pages, 1)

    # --- data --------------------------------------------------------------

    def fetch(self) -> Callable[[], CreditsPage]:
        db, clock, selected = self.ctx.db, self.ctx.clock, self.selected_id

        def today_of(timezone: str) -> date:
            return clock.now().astimezone(ZoneInfo(timezone)).date()

        return lambda: load_page(db, today_of, selected)

    def apply(self, data: CreditsPage) -> None:
        self.settings = data.settings
        self.today = data.today
        self.tz = ZoneInfo(data.settings.timezone)
        self.allocation_model.tz = self.tz
        self._applying = True
        try:
            self.org_model.set_rows(data.organisations)
            fit_columns(self.org_table, maximum=240)
            self.org_pages.setCurrentIndex(0 if data.organisations else 1)
            shown = min(max(len(data.organisations), 1), ORGANISATION_LIST_ROWS)
            self.org_pages.setFixedHeight(
                self.org_table.horizontalHeader().sizeHint().height()
                + shown * self.org_table.verticalHeader().defaultSectionSize()
                + 2 * self.org_table.frameWidth()
            )
            wanted = self.selected_id if self.selected_id is not None else data.allocations_for
            if not self.select_organisation(wanted, load=False):
                wanted = None
                self.org_table.clearSelection()
            self.selected_id = wanted
        finally:
            self._applying = False
        if wanted is not None and wanted == data.allocations_for:
            self._show_allocations(data.allocations)
        elif wanted is not None:
            self._load_allocations(wanted)
        self._show_detail()
        self.packs.set_packs(data.packs, data.settings.currency)

    def is_loaded(self) -> bool:
        return super().is_loaded() and self._allocations_loading == 0 and not self.packs.busy

    # --- selection ---------------------------------------------------------

    def selected_organisation(self) -> OrganisationItem | None:
        return next((o for o in self.org_model.rows if o.id == self.selected_id), None)

    def select_organisation(self, organisation_id: uuid.UUID | None, *, load: bool = True) -> bool:
        """Select the organisation in the list (and load its allocations)."""
        for r in range(self.org_proxy.rowCount()):
            index = self.org_proxy.index(r, 0)
            row = self.org_proxy.data(index, ROW_ROLE)
            if isinstance(row, OrganisationItem) and row.id == organisation_id:
                if load:
                    self.org_table.setCurrentIndex(index)
                else:
                    self._applying, was = True, self._applying
                    try:
                        self.org_table.setCurrentIndex(index)
                    finally:
                        self._applying = was
                self.org_table.selectRow(r)
                return True
        return False

    def show_example(self) -> None:
        """Select the organisation with the most employees (for the page's screenshot)."""
        self.tabs.setCurrentIndex(0)
        with_allocations = [o for o in self.org_model.rows if o.totals.employees]
        if with_allocations:
            best = max(with_allocations, key=lambda o: (o.totals.employees, o.name))
            if best.id != self.selected_id:
                self.select_organisation(best.id)

    def _organisation_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._applying:
            return
        row = self.org_proxy.data(current, ROW_ROLE) if current.isValid() else None
        new_id = row.id if isinstance(row, OrganisationItem) else None
        if new_id == self.selected_id:
            return
        self.selected_id = new_id
        self.banner.setVisible(False)
        self.search.clear()
        self._show_detail()
        if new_id is not None:
            self._load_allocations(new_id)
        else:
            self._show_allocations([])

    def _load_allocations(self, organisation_id: uuid.UUID) -> None:
        self._allocation_load_id += 1
        load_id = self._allocation_load_id
        self._allocations_loading += 1
        self.allocation_model.set_rows([])
        db = self.ctx.db

        def done(rows: list[AllocationRow]) -> None:
            self._allocations_loading -= 1
            if load_id == self._allocation_load_id:
                self._show_allocations(rows)
            if self.is_loaded():
                self.loaded.emit()

        def failed(exc: BaseException) -> None:
            self._allocations_loading -= 1
            self._show_banner(error_text(exc), "error")
            if self.is_loaded():
                self.loaded.emit()

        run_in_background(self, lambda: partner_allocations(db, organisation_id), done, failed)

    def _show_allocations(self, rows: list[AllocationRow]) -> None:
        self.allocation_model.set_rows(rows)
        fit_columns(self.allocation_table, maximum=220)
        # Short numbers: the room goes to names and e-mails.
        header = self.allocation_table.horizontalHeader()
        for column in AllocationTableModel.NUMBER_COLUMNS:
            header.resizeSection(column, NUMBER_COLUMN_WIDTH)
        self.allocation_pages.setCurrentIndex(0 if rows else 1)
        active = [r for r in rows if r.status is AllocationStatus.ACTIVE]
        self.allocations_summary.setText(
            f"{plural(len(rows), 'allocation')}, {len(active)} active" if rows else ""
        )
        self._update_actions()

    def _show_detail(self) -> None:
        item = self.selected_organisation()
        if item is None:
            self.detail.setCurrentIndex(0)
            self._update_actions()
            return
        org = item.organisation
        self.detail.setCurrentWidget(self.card)
        self.name_label.setText(org.name)
        self.facts.set("credits", plural(org.default_credits, "credit"))
        self.facts.set("duration", f"{org.session_duration_min} minutes")
        self.facts.set("validity", plural(org.validity_days, "day"))
        contact = " — ".join(t for t in (org.contact_name, org.contact_email) if t)
        self.facts.set("contact", contact)
        self.facts.set(
            "left",
            f"{org.credits_left} for {plural(org.active_allocations, 'employee')}",
        )
        self._update_actions()

    def selected_allocation(self) -> AllocationRow | None:
        index = self.allocation_table.currentIndex()
        if not index.isValid() or not self.allocation_table.selectionModel().isSelected(index):
            return None
        row = self.allocation_proxy.data(index, ROW_ROLE)
        return row if isinstance(row, AllocationRow) else None

    def select_allocation(self, email: str) -> bool:
        for r in range(self.allocation_proxy.rowCount()):
            index = self.allocation_proxy.index(r, 0)
            row = self.allocation_proxy.data(index, ROW_ROLE)
            if isinstance(row, AllocationRow) and row.employee_email == email:
                self.allocation_table.setCurrentIndex(index)
                self.allocation_table.selectRow(r)
                return True
        return False

    def _update_actions(self) -> None:
        on_packs = self.tabs.currentWidget() is self.packs
        self.new_button.setVisible(self.can_create and not on_packs)
        self.packs.new_button.setVisible(self.packs.can_edit and on_packs)
        has_org = self.selected_organisation() is not None
        for button in (
            self.allocate_button,
            self.import_button,
            self.report_button,
            self.edit_button,
        ):
            button.setEnabled(has_org)
        allocation = self.selected_allocation()
        revocable = allocation is not None and allocation.status is AllocationStatus.ACTIVE
        self.revoke_button.setEnabled(revocable)
        if allocation is not None and not revocable:
            self.revoke_button.setToolTip("Only an active allocation can be revoked")
        else:
            self.revoke_button.setToolTip("Take back the unused credits of the selected allocation")

    def _show_banner(self, text: str, kind: str) -> None:
        self.banner.setText(text)
        self.banner.setProperty("kind", kind)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.setVisible(bool(text))

    # --- actions -----------------------------------------------------------

    def _organisation_row(self) -> OrganisationRow | None:
        item = self.selected_organisation()
        return item.organisation if item is not None else None

    def _organisation_name(self) -> str:
        item = self.selected_organisation()
        return item.name if item is not None else "the organisation"

    def new_organisation(self) -> None:
        if not self.can_create:
            return
        dialog = OrganisationDialog(self.ctx, self.actor, parent=self)
        dialog.succeeded.connect(self._created)
        self.dialog = open_in_place(self.dialog, dialog)

    def _created(self, organisation_id: object) -> None:
        if isinstance(organisation_id, uuid.UUID):
            # Shown once the refresh the command's event starts brings it in.
            self.selected_id = organisation_id

    def edit_organisation(self) -> None:
        org = self._organisation_row()
        if org is None or not self.can_edit:
            return
        dialog = OrganisationDialog(self.ctx, self.actor, row=org, parent=self)
        self.dialog = open_in_place(self.dialog, dialog)

    def allocate(self) -> None:
        org = self._organisation_row()
        if org is None or not self.can_allocate:
            return
        dialog = AllocateDialog(self.ctx, self.actor, org, parent=self)
        dialog.succeeded.connect(
            lambda result: self._show_banner(
                "Allocated: the credits are the client's now."
                if isinstance(result, AllocationResult) and result.credited
                else "Allocated: the credits wait until the employee registers or books.",
                "success",
            )
        )
        self.dialog = open_in_place(self.dialog, dialog)

    def revoke(self) -> None:
        allocation = self.selected_allocation()
        if allocation is None or not self.can_revoke:
            return
        if allocation.client_name and allocation.left:
            effect = (
                f"The {plural(allocation.left, 'unused credit')} will be taken back from "
                f"{allocation.client_name}'s balance."
            )
        elif allocation.left:
            effect = f"The {plural(allocation.left, 'unused credit')} can no longer be used."
        else:
            effect = "No unused credits are left on it."
        dialog = RevokeDialog(
            self.ctx,
            self.actor,
            lambda reason: RevokeAllocation(allocation_id=allocation.id, reason=reason),
            title="Revoke an allocation",
            caption=(
                f"{allocation.employee_email} will no longer have credits from "
                f"{self._organisation_name()}. {effect} Sessions already booked with these "
                "credits stay booked."
            ),
            action="Revoke",
            danger=True,
            placeholder="e.g. left the company",
            parent=self,
        )
        dialog.setObjectName("revokeDialog")
        self.dialog = open_in_place(self.dialog, dialog)

    def import_csv(self, path: Path | None = None) -> ImportPreviewDialog | None:
        """Preview a CSV file of employees (asked for when `path` is None)."""
        org = self._organisation_row()
        if org is None or not self.can_import:
            return None
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(
                self,
                f"Import employees of {org.name}",
                "",
                "CSV files (*.csv *.txt);;All files (*)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        dialog = ImportPreviewDialog(self.ctx, self.actor, org, path, parent=self)
        dialog.succeeded.connect(
            lambda result: self._show_banner(import_message(result), "success")
        )
        self.dialog = open_in_place(self.dialog, dialog)
        return dialog

    def usage_report(self) -> UsageReportDialog | None:
        org = self._organisation_row()
        if org is None:
            return None
        dialog = UsageReportDialog(
            self.ctx,
            org.id,
            org.name,
            self.today,
            self.settings.clinic_name if self.settings else "",
            parent=self,
        )
        self.dialog = open_in_place(self.dialog, dialog)
        return dialog
