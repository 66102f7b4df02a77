"""Practitioners (manager): the application queue, everyone's profile, decisions.

Two tabs on the left, "Applications" (waiting for a decision, oldest first)
and "Practitioners" (everyone, with a status filter); the selected person's
profile on the right, with their documents, every decision so far, and the
decisions that can be taken now.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.clinic import queries as clinic_queries
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.staff import practitioner_queries
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.events import PractitionerChanged, StaffAccountChanged, StaffAccountCreated
from desktop_app.staff.practitioner_queries import DocumentRow, PractitionerProfile
from desktop_app.staff.queries import PractitionerRow
from models.enums import PractitionerStatus
from ui.kit.command_dialog import open_in_place
from ui.kit.formatting import PRACTITIONER_STATUS_LABELS
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, empty_state
from ui.kit.table_model import ROW_ROLE, SORT_ROLE
from ui.kit.widgets import fit_columns, table_view
from ui.practitioners.applications_model import ApplicationRow, ApplicationTableModel
from ui.practitioners.document_viewer import DocumentViewer
from ui.practitioners.practitioner_actions import DecisionFlow, FutureAppointmentsDialog
from ui.practitioners.practitioner_profile import ProfileEditDialog, ProfilePanel
from ui.practitioners.practitioners_model import PractitionerTableModel

LIST_WIDTH = 430


@dataclass(frozen=True)
class PractitionersPage:
    tz: ZoneInfo
    practitioners: list[PractitionerRow]
    applications: list[ApplicationRow]
    # The profile on show, reloaded with the lists so they never disagree.
    selected: PractitionerProfile | None


def application_rows(db: Database) -> list[ApplicationRow]:
    rows = []
    for pid in practitioner_queries.applications(db):
        p = practitioner_queries.profile(db, pid)
        if p is None:
            continue
        applied = [d for d in p.decisions if d.status is PractitionerStatus.APPLIED]
        at = (applied[-1] if applied else p.decisions[0]).decided_at
        rows.append(ApplicationRow(p.id, p.name, p.email, p.profession, at, len(p.documents)))
    return rows


def load_page(db: Database, selected: uuid.UUID | None) -> PractitionersPage:
    tz = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
    return PractitionersPage(
        tz,
        staff_queries.practitioners(db),
        application_rows(db),
        practitioner_queries.profile(db, selected) if selected else None,
    )


class StatusFilterProxy(QSortFilterProxyModel):
    """Sorts by the model's sort role; filters by status and by typed text."""

    def __init__(self, model: PractitionerTableModel, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self.status: PractitionerStatus | None = None

    def set_status(self, status: object) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
        # Item data comes back from Qt as the enum's plain value.
        self.status = None if status is None else PractitionerStatus(str(status))
        if hasattr(self, "endFilterChange"):
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateFilter()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        model = self.sourceModel()
        row = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        if (
            self.status is not None
            and isinstance(row, PractitionerRow)
            and row.status != self.status
        ):
            return False
        return super().filterAcceptsRow(source_row, source_parent)


def _selected_id(table: QTableView) -> uuid.UUID | None:
    index = table.currentIndex()
    if not index.isValid() or not table.selectionModel().isSelected(index):
        return None
    row = table.model().data(index, ROW_ROLE)
    return getattr(row, "id", None)


def _select_id(table: QTableView, wanted: uuid.UUID) -> bool:
    model = table.model()
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        if getattr(model.data(index, ROW_ROLE), "id", None) == wanted:
            table.setCurrentIndex(index)
            table.selectRow(r)
            return True
    return False


class PractitionersView(DataView[PractitionersPage]):
    TITLE = "Practitioners"
    REFRESH_ON = (PractitionerChanged, StaffAccountChanged, StaffAccountCreated)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.tz = ZoneInfo("UTC")
        self.selected_id: uuid.UUID | None = None
        self.profile: PractitionerProfile | None = None
        self._profile_loading = 0
        self._first_load = True
        self._applying = False
        self.viewer: DocumentViewer | None = None
        self.flow: DecisionFlow | None = None
        self.future_dialog: FutureAppointmentsDialog | None = None
        self.edit_dialog: ProfileEditDialog | None = None

        # --- the lists ---------------------------------------------------
        self.tabs = QTabWidget()
        self.tabs.setObjectName("pageTabs")
        self.tabs.setDocumentMode(True)

        self.applications_model = ApplicationTableModel(self)
        self.applications_proxy = QSortFilterProxyModel(self)
        self.applications_proxy.setSourceModel(self.applications_model)
        self.applications_proxy.setSortRole(SORT_ROLE)
        self.applications_proxy.setDynamicSortFilter(True)
        self.applications_table = table_view(
            self.applications_proxy,
            sort_column=ApplicationTableModel.COL_APPLIED,
            # The name is what people look for; the profession gives way when space is short.
            stretch_column=ApplicationTableModel.COL_PROFESSION,
        )
        self.applications_table.setObjectName("applicationsTable")
        for column in (ApplicationTableModel.COL_EMAIL,):
            self.applications_table.setColumnHidden(column, True)
        self.applications_pages = QStackedWidget()
        self.applications_pages.addWidget(self.applications_table)
        self.applications_empty = empty_state(
            "No applications are waiting.\nNew ones appear here as soon as they are sent."
        )
        self.applications_pages.addWidget(self.applications_empty)
        self.tabs.addTab(self.applications_pages, "Applications")

        everyone = QWidget()
        everyone_layout = QVBoxLayout(everyone)
        everyone_layout.setContentsMargins(0, 10, 0, 0)
        everyone_layout.setSpacing(8)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("statusFilter")
        self.status_filter.addItem("All statuses", None)
        for status in PractitionerStatus:
            self.status_filter.addItem(PRACTITIONER_STATUS_LABELS[status], status)
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Find by name, profession or specialisation")
        self.search.setClearButtonEnabled(True)
        filters.addWidget(self.status_filter)
        filters.addWidget(self.search, 1)
        everyone_layout.addLayout(filters)
        self.model = PractitionerTableModel(self)
        self.proxy = StatusFilterProxy(self.model, self)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.status_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_status(self.status_filter.currentData())
        )
        self.table = table_view(
            self.proxy,
            sort_column=PractitionerTableModel.COL_NAME,
            stretch_column=PractitionerTableModel.COL_PROFESSION,
        )
        self.table.setObjectName("practitionersTable")
        for column in (
            PractitionerTableModel.COL_EMAIL,
            PractitionerTableModel.COL_SPECIALISATIONS,
        ):
            self.table.setColumnHidden(column, True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.empty = empty_state("No practitioners yet.")
        self.pages.addWidget(self.empty)
        everyone_layout.addWidget(self.pages, 1)
        self.tabs.addTab(everyone, "Practitioners")

        # --- the profile -------------------------------------------------
        self.detail = QStackedWidget()
        self.detail.setObjectName("profileStack")
        self.no_selection = empty_state("Select an application or a practitioner.")
        self.panel = ProfilePanel(can_decide=True, can_edit=True)
        self.panel.decision_requested.connect(self.decide)
        self.panel.edit_requested.connect(self.edit_profile)
        self.panel.document_requested.connect(self.view_document)
        self.detail.addWidget(self.no_selection)
        self.detail.addWidget(self.panel)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("practitionersSplitter")
        splitter.setChildrenCollapsible(False)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tabs)
        left.setMinimumWidth(320)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([LIST_WIDTH, 800])
        self.body.addWidget(splitter, 1)
        self.hint = QLabel()
        self.hint.setObjectName("helpLine")
        self.body.addWidget(self.hint)

        for table in (self.applications_table, self.table):
            table.selectionModel().currentRowChanged.connect(
                lambda current, _prev, t=table: self._row_chosen(t, current)
            )
        self.tabs.currentChanged.connect(self._tab_changed)

    # --- loading ---------------------------------------------------------

    def fetch(self) -> Callable[[], PractitionersPage]:
        db, selected = self.ctx.db, self.selected_id
        return lambda: load_page(db, selected)

    def apply(self, data: PractitionersPage) -> None:
        self.tz = data.tz
        # Refilling the tables clears their selection; that must not drop the profile.
        self._applying = True
        try:
            self.applications_model.set_timezone(data.tz)
            self.model.set_rows(data.practitioners)
            self.applications_model.set_rows(data.applications)
        finally:
            self._applying = False
        counts = Counter(p.status for p in data.practitioners)
        parts = [
            f"{n} {PRACTITIONER_STATUS_LABELS[s].lower()}"
            for s in PractitionerStatus
            if (n := counts.get(s))
        ]
        self.set_subtitle("  ·  ".join(parts) if parts else "")
        waiting = len(data.applications)
        self.tabs.setTabText(0, f"Applications ({waiting})" if waiting else "Applications")
        self.applications_pages.setCurrentWidget(
            self.applications_table if waiting else self.applications_empty
        )
        self.pages.setCurrentWidget(self.table if data.practitioners else self.empty)
        fit_columns(self.table)
        fit_columns(self.applications_table)
        if self._first_load:
            self._first_load = False
            # Open where the work is: the queue when someone is waiting.
            self._applying = True
            self.tabs.setCurrentIndex(0 if waiting else 1)
            self._applying = False
            self._select_first()
        elif self.selected_id is not None:
            if data.selected is not None and data.selected.id == self.selected_id:
                # Still shown after a decision moved them out of the queue.
                self._show_profile(data.selected)
            self._applying = True
            _select_id(self._current_table(), self.selected_id)
            self._applying = False
        self._update_hint()

    def is_loaded(self) -> bool:
        return super().is_loaded() and self._profile_loading == 0

    # --- selection -------------------------------------------------------

    def _current_table(self) -> QTableView:
        return self.applications_table if self.tabs.currentIndex() == 0 else self.table

    def _select_first(self) -> None:
        table = self._current_table()
        model = table.model()
        if not model.rowCount():
            self._choose(None)
            return
        first = model.index(0, 0)
        # Chosen explicitly: the row may already be current, which would signal nothing.
        self._applying = True
        table.setCurrentIndex(first)
        table.selectRow(0)
        self._applying = False
        self._choose(getattr(model.data(first, ROW_ROLE), "id", None))

    def _tab_changed(self, _index: int) -> None:
        if self._applying:
            return
        table = self._current_table()
        if self.selected_id is not None and _select_id(table, self.selected_id):
            return
        self._select_first()

    def show_applications(self) -> None:
        self.tabs.setCurrentIndex(0)

    def show_practitioners(self) -> None:
        self.tabs.setCurrentIndex(1)

    def select_practitioner(self, practitioner_id: uuid.UUID) -> bool:
        """Select someone in the current tab (tests and the screenshots use it)."""
        return _select_id(self._current_table(), practitioner_id)

    def _row_chosen(self, table: QTableView, current: QModelIndex) -> None:
        if self._applying or table is not self._current_table():
            return
        row = table.model().data(current, ROW_ROLE) if current.isValid() else None
        self._choose(getattr(row, "id", None))

    def _choose(self, practitioner_id: uuid.UUID | None) -> None:
        if practitioner_id is not None and practitioner_id == self.selected_id:
            return
        self.selected_id = practitioner_id
        if practitioner_id is None:
            self.profile = None
            self.detail.setCurrentWidget(self.no_selection)
            self._update_hint()
            return
        self._profile_loading += 1
        db = self.ctx.db
        run_in_background(
            self,
            lambda: practitioner_queries.profile(db, practitioner_id),
            lambda p: self._profile_loaded(practitioner_id, p),
            self._profile_failed,
        )

    def _profile_loaded(self, wanted: uuid.UUID, profile: PractitionerProfile | None) -> None:
        self._profile_loading -= 1
        # A slower load for an earlier click must not replace the current choice.
        if wanted == self.selected_id:
            self._show_profile(profile)
        if self._profile_loading == 0:
            self.loaded.emit()

    def _profile_failed(self, exc: BaseException) -> None:
        self._profile_loading -= 1
        self._failed(exc)

    def _show_profile(self, profile: PractitionerProfile | None) -> None:
        self.profile = profile
        if profile is None:
            self.detail.setCurrentWidget(self.no_selection)
        else:
            self.panel.set_profile(profile, self.tz)
            self.detail.setCurrentWidget(self.panel)
        self._update_hint()

    def _update_hint(self) -> None:
        p = self.profile
        if p is not None and p.status is PractitionerStatus.APPLIED and not p.documents:
            self.hint.setText(
                f"{p.name} sent no documents: ask for their licence before approving."
            )
        elif p is not None and p.status is PractitionerStatus.APPROVED:
            self.hint.setText(
                "Weekly hours and services are set on the Schedules page; "
                "only approved, active practitioners can be booked."
            )
        else:
            self.hint.setText("")

    # --- actions ---------------------------------------------------------

    def decide(self, key: str) -> None:
        if self.profile is None:
            return
        if self.flow is not None:
            self.flow.dispose()
        self.flow = DecisionFlow(self.ctx, self.actor, self.profile, key, self.tz, self)
        self.flow.appointments_shown.connect(self._future_shown)
        self.flow.start()

    def _future_shown(self, dialog: FutureAppointmentsDialog) -> None:
        self.future_dialog = dialog

    def edit_profile(self) -> None:
        if self.profile is None:
            return
        dialog = ProfileEditDialog(self.ctx, self.actor, self.profile, self)
        self.edit_dialog = open_in_place(self.edit_dialog, dialog)

    def view_document(self, document: DocumentRow) -> None:
        if self.viewer is not None and shiboken6.isValid(self.viewer):
            # One document at a time: the next replaces it.
            self.viewer.close()
        viewer = DocumentViewer(
            self.ctx, document.id, title=document.filename, kind=document.kind, parent=self
        )
        self.viewer = open_in_place(self.viewer, viewer, modal=False)
