"""My schedule: weekly hours on a week grid, date and repeating exceptions,
clinic holidays, and booking settings (DESIGN §2 availability, §7).

A practitioner edits their own schedule; a manager picks anyone's from a
list and edits it on their behalf (the core checks who may, whatever this
page shows). Weekly hours are edited locally and saved as one SetWeeklyRules,
so a week is stored whole or not at all; a refused save shows the core's
reason and keeps every edit. A reload (after any change to availability)
never replaces what the user has not saved yet: it keeps it and says so.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.availability import queries as schedule_queries
from desktop_app.availability import slot_queries
from desktop_app.availability.commands import (
    AddClinicHoliday,
    AddRecurringException,
    RemoveClinicHoliday,
    RemoveDateOverride,
    RemoveRecurringException,
    SetDateOverride,
    SetWeeklyRules,
    UpdateScheduleSettings,
)
from desktop_app.availability.events import AvailabilityChanged
from desktop_app.availability.queries import ScheduleView
from desktop_app.availability.weekly_blocks import minutes_of
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.queries import ServiceRow
from desktop_app.demo.events import DemoClinicSeeded
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.kernel.events import Event
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.events import StaffAccountCreated
from desktop_app.staff.queries import PractitionerRow
from models.enums import PractitionerStatus, Role
from ui.kit.formatting import PRACTITIONER_STATUS_LABELS
from ui.kit.ops import run_in_background
from ui.kit.page import DataView, empty_state
from ui.schedule.exceptions_panel import ExceptionsPanel
from ui.schedule.schedule_dialogs import BlockDialog
from ui.schedule.settings_panel import SettingsPanel
from ui.schedule.week_grid import WeekGrid
from ui.schedule.week_layout import Block, sorted_blocks

log = logging.getLogger(__name__)

SUCCESS_HIDE_MS = 5000
WEEKLY_TAB, EXCEPTIONS_TAB, SETTINGS_TAB = 0, 1, 2


@dataclass(frozen=True)
class ScheduleData:
    # Whom the page can show: everyone for a manager, oneself for a practitioner.
    choices: tuple[PractitionerRow, ...]
    services: tuple[ServiceRow, ...]
    practitioner: PractitionerRow | None
    schedule: ScheduleView | None
    # Today in the practitioner's zone: exceptions before it are history.
    today: date
    # The practitioner profile of whoever is logged in, if they practise.
    own_id: uuid.UUID | None


@dataclass(frozen=True)
class Preview:
    practitioner_id: uuid.UUID
    start: datetime | None
    service: str


class Banner(QFrame):
    """One line of feedback above the tabs: a refusal, a note, or a brief "saved"."""

    KINDS = ("error", "warning", "success")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleBanner")
        self.kind = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 7, 6, 7)
        self.label = QLabel()
        self.label.setObjectName("bannerText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        dismiss = QPushButton("Dismiss")
        dismiss.setObjectName("bannerButton")
        dismiss.clicked.connect(self.clear)
        layout.addWidget(self.label, 1)
        layout.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(SUCCESS_HIDE_MS)
        self._hide_timer.timeout.connect(self.clear)
        self.setVisible(False)

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""

    def show_message(self, kind: str, text: str) -> None:
        assert kind in self.KINDS
        self.kind = kind
        self.setProperty("kind", kind)
        # A dynamic property only restyles after a re-polish.
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(text)
        self.setVisible(True)
        if kind == "success":
            self._hide_timer.start()
        else:
            self._hide_timer.stop()

    def clear(self) -> None:
        self._hide_timer.stop()
        self.kind = ""
        self.setVisible(False)


def _success_text(command: Command) -> str:
    if isinstance(command, SetWeeklyRules):
        return "Weekly hours saved."
    if isinstance(command, SetDateOverride):
        return f"Exception on {command.day:%a} {command.day.day} {command.day:%b} saved."
    if isinstance(command, RemoveDateOverride):
        return f"Exception on {command.day:%a} {command.day.day} {command.day:%b} removed."
    if isinstance(command, AddRecurringException):
        return "Repeating exception added."
    if isinstance(command, RemoveRecurringException):
        return "Repeating exception removed."
    if isinstance(command, UpdateScheduleSettings):
        return "Settings saved."
    if isinstance(command, AddClinicHoliday):
        return f"Clinic holiday on {command.day:%a} {command.day.day} {command.day:%b} added."
    if isinstance(command, RemoveClinicHoliday):
        return f"Clinic holiday on {command.day:%a} {command.day.day} {command.day:%b} removed."
    return "Saved."


def _scrolling(panel: QWidget) -> QScrollArea:
    """A tab that scrolls on a small screen instead of raising the window's minimum size."""
    area = QScrollArea()
    area.setObjectName("scheduleScroll")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(panel)
    # setWidget turns on the panel's own (palette grey) background; the page's shows through.
    panel.setAutoFillBackground(False)
    return area


def _blocks_of(schedule: ScheduleView) -> tuple[Block, ...]:
    return sorted_blocks(
        Block(r.weekday, minutes_of(r.start), minutes_of(r.end), r.service_ids, r.room)
        for r in schedule.weekly
    )


class MyScheduleView(DataView[ScheduleData]):
    TITLE = "My schedule"
    REFRESH_ON = (AvailabilityChanged, StaffAccountCreated, DemoClinicSeeded)

    # After every command this page sends: True if the core accepted it.
    command_finished = Signal(bool)

    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.is_manager = Role.MANAGER in actor.roles
        if Role.PRACTITIONER not in actor.roles:
            self.title_label.setText("Schedules")  # a manager's view of other people's
        self._data: ScheduleData | None = None
        self._practitioner_id: uuid.UUID | None = None
        # The practitioner the manager asked for; the load falls back if they are gone.
        self._wanted_id: uuid.UUID | None = None
        # Weekly blocks as stored (or as last saved): unsaved edits are the difference.
        self._baseline: tuple[Block, ...] = ()
        self._in_flight = 0
        self._saving_weekly = False
        self.block_dialog: BlockDialog | None = None
        self.preview: Preview | None = None

        self.practitioner_combo = QComboBox()
        self.practitioner_combo.setObjectName("practitionerPicker")
        self.practitioner_combo.setMinimumWidth(260)
        self.practitioner_combo.setToolTip("Whose schedule to show and edit")
        self.practitioner_combo.currentIndexChanged.connect(self._practitioner_chosen)
        if self.is_manager:
            picker_label = QLabel("Practitioner")
            picker_label.setObjectName("viewSubtitle")
            self.toolbar.addWidget(picker_label)
            self.toolbar.addWidget(self.practitioner_combo)
        else:
            # Only ever their own: nothing to pick.
            self.practitioner_combo.setVisible(False)

        self.banner = Banner()
        self.body.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("scheduleTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._build_weekly(), "Weekly hours")
        self.exceptions = ExceptionsPanel(self.run_command, manages_holidays=self.is_manager)
        self.exceptions.refused.connect(lambda text: self.banner.show_message("warning", text))
        self.tabs.addTab(_scrolling(self.exceptions), "Exceptions")
        self.settings_panel = SettingsPanel(self.run_command)
        self.tabs.addTab(_scrolling(self.settings_panel), "Settings")

        self.empty = empty_state("")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tabs)
        self.pages.addWidget(self.empty)
        self.body.addWidget(self.pages, 1)
        self._update_actions()

    def _build_weekly(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(8)
        hint = QLabel(
            "Drag on free time to add hours · drag a block or its edge to move or resize it · "
            "Delete removes it · double-click for details, or on free time for an hour"
        )
        hint.setToolTip(
            "Keyboard: Tab selects the next block, arrows move it, Shift+Up/Down changes its "
            "end, Enter opens its details, Delete removes it, Esc lets go. Ctrl+S saves."
        )
        hint.setObjectName("gridHint")
        # One line, clipped when narrow (the tooltip has it all): wrapping would
        # make this tab's layout trade the grid's height for the hint's.
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(hint)

        self.grid = WeekGrid()
        self.grid.blocks_changed.connect(self._weekly_edited)
        self.grid.edit_refused.connect(lambda text: self.banner.show_message("warning", text))
        self.grid.details_requested.connect(self.open_block_dialog)
        layout.addWidget(self.grid, 1)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("previewLine")
        self.preview_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addWidget(self.preview_label, 1)
        self.add_block_button = QPushButton("Add block…")
        self.add_block_button.setToolTip("Type a block's day and times exactly")
        self.add_block_button.clicked.connect(lambda: self.open_block_dialog(None))
        self.discard_button = QPushButton("Discard")
        self.discard_button.setToolTip("Forget the unsaved changes to the weekly hours")
        self.discard_button.clicked.connect(self.discard_weekly)
        self.save_button = QPushButton("Save changes")
        self.save_button.setObjectName("primaryButton")
        self.save_button.setToolTip("Store the whole week at once (Ctrl+S)")
        self.save_button.clicked.connect(self.save_weekly)
        for button in (self.add_block_button, self.discard_button, self.save_button):
            bar.addWidget(button)
        layout.addLayout(bar)

        save = QShortcut(QKeySequence.StandardKey.Save, page)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_weekly)
        return page

    # --- loading -----------------------------------------------------------

    def fetch(self) -> Callable[[], ScheduleData]:
        db, clock = self.ctx.db, self.ctx.clock
        account_id = self.actor.account_id
        manager = self.is_manager
        wanted = self._wanted_id or self._practitioner_id

        def load() -> ScheduleData:
            everyone = staff_queries.practitioners(db)
            own = (
                schedule_queries.practitioner_id_of_account(db, account_id) if account_id else None
            )
            ids = [p.id for p in everyone]
            if manager:
                choices = tuple(everyone)
                candidates = [wanted, own, *ids[:1]]
                chosen = next((pid for pid in candidates if pid in ids), None)
            else:
                choices = tuple(p for p in everyone if p.id == own)
                chosen = own
            services = tuple(clinic_queries.services(db))
            clinic_zone = ZoneInfo(clinic_queries.clinic_settings(db).timezone)
            now = clock.now()
            if chosen is None:
                today = now.astimezone(clinic_zone).date()
                return ScheduleData(choices, services, None, None, today, own)
            # The practitioner's own zone is only known from their schedule, and
            # zones are at most two dates apart: ask from early enough.
            early = now.astimezone(clinic_zone).date() - timedelta(days=2)
            schedule = schedule_queries.schedule_of(db, chosen, early)
            today = now.astimezone(ZoneInfo(schedule.timezone)).date()
            practitioner = next(p for p in everyone if p.id == chosen)
            return ScheduleData(choices, services, practitioner, schedule, today, own)

        return load

    def apply(self, data: ScheduleData) -> None:
        self._data = data
        self._fill_picker(data)
        schedule, practitioner = data.schedule, data.practitioner
        if schedule is None or practitioner is None:
            self._practitioner_id = None
            self.empty.setText(
                "No practitioners yet. Once someone practises here, their weekly hours, "
                "exceptions and booking settings are edited on this page."
                if self.is_manager
                else "Your account has no practitioner profile yet, so there is no schedule "
                "to edit. A manager can set one up under Practitioners."
            )
            self.pages.setCurrentWidget(self.empty)
            self.set_subtitle("")
            self._update_actions()
            return
        self.pages.setCurrentWidget(self.tabs)
        switched = schedule.practitioner_id != self._practitioner_id
        self._practitioner_id = schedule.practitioner_id
        if self._wanted_id == schedule.practitioner_id:
            # Only now: a load that was already on its way may bring the previous one.
            self._wanted_id = None

        self.grid.set_service_names({s.id: s.name for s in data.services})
        self.grid.set_colour(practitioner.colour)
        self.grid.set_interval(schedule.settings.slot_interval_min)
        stored = _blocks_of(schedule)
        changed_under_edits: list[str] = []
        # A block in the user's hands counts as an edit: it is not yanked away.
        editing = self.weekly_dirty() or self.grid.is_dragging()
        if switched or not editing:
            self.grid.set_blocks(stored)
        elif stored != self._baseline:
            changed_under_edits.append("weekly hours")
        self._baseline = stored
        if self.exceptions.set_data(schedule, data.today, stored):
            changed_under_edits.append("exception on the selected date")
        if self.settings_panel.set_data(schedule.practitioner_id, schedule.settings):
            changed_under_edits.append("booking settings")
        if switched:
            self.banner.clear()
        if changed_under_edits:
            self.banner.show_message(
                "warning",
                f"The {' and '.join(changed_under_edits)} changed elsewhere while you were "
                "editing. Your unsaved changes are kept: save them to replace what is stored, "
                "or discard them to see it.",
            )

        is_own = practitioner.id == data.own_id
        parts = ["Your schedule" if is_own else practitioner.name]
        if practitioner.profession:
            parts.append(practitioner.profession)
        parts.append(f"times in {schedule.timezone}")
        if practitioner.status is not PractitionerStatus.APPROVED:
            status = PRACTITIONER_STATUS_LABELS[practitioner.status].lower()
            parts.append(f"{status}: not bookable until approved")
        self.set_subtitle("  ·  ".join(parts))
        self.title_label.setText("My schedule" if is_own else "Schedules")
        self._update_actions()
        self._load_preview(data)

    def _fill_picker(self, data: ScheduleData) -> None:
        combo = self.practitioner_combo
        with QSignalBlocker(combo):
            combo.clear()
            for p in data.choices:
                label = p.name
                if p.status is not PractitionerStatus.APPROVED:
                    label += f" ({PRACTITIONER_STATUS_LABELS[p.status].lower()})"
                combo.addItem(label, p.id)
            if data.practitioner is not None:
                combo.setCurrentIndex(self._picker_index(data.practitioner.id))
        combo.setEnabled(self.is_manager and bool(data.choices))

    def is_loaded(self) -> bool:
        return super().is_loaded() and self._in_flight == 0

    def on_event(self, event: Event) -> None:
        if (
            isinstance(event, AvailabilityChanged)
            and event.practitioner_id is not None
            and self._practitioner_id is not None
            and event.practitioner_id != self._practitioner_id
        ):
            return  # someone else's schedule
        super().on_event(event)

    def practitioner_id(self) -> uuid.UUID | None:
        return self._practitioner_id

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)

    def show_exceptions_example(self) -> None:
        """The Exceptions tab at its most telling: the next date exception selected."""
        self.show_tab(EXCEPTIONS_TAB)
        self.exceptions.select_next_exception()

    # --- choosing whose schedule ------------------------------------------------

    def has_unsaved_changes(self) -> bool:
        return (
            self.weekly_dirty() or self.settings_panel.is_dirty() or self.exceptions.editor_dirty()
        )

    def _picker_index(self, practitioner_id: uuid.UUID | None) -> int:
        # findData cannot match a Python UUID held in a QVariant; compare here.
        combo = self.practitioner_combo
        return next((i for i in range(combo.count()) if combo.itemData(i) == practitioner_id), -1)

    def _practitioner_chosen(self, index: int) -> None:
        chosen = self.practitioner_combo.itemData(index)
        if not isinstance(chosen, uuid.UUID) or chosen == self._practitioner_id:
            return
        if self.has_unsaved_changes():
            # Switching would hide edits that belong to the current practitioner.
            with QSignalBlocker(self.practitioner_combo):
                current = self._picker_index(self._practitioner_id)
                self.practitioner_combo.setCurrentIndex(current)
            self.banner.show_message(
                "warning",
                "This schedule has unsaved changes. Save or discard them before switching "
                f"to {self.practitioner_combo.itemText(index)}.",
            )
            return
        self._wanted_id = chosen
        self.refresh()

    def select_practitioner(self, practitioner_id: uuid.UUID) -> None:
        """As if chosen in the picker (managers only; others have nothing to pick)."""
        index = self._picker_index(practitioner_id)
        if self.is_manager and index >= 0:
            self.practitioner_combo.setCurrentIndex(index)

    # --- weekly hours ---------------------------------------------------------------

    def weekly_dirty(self) -> bool:
        return sorted_blocks(self.grid.blocks()) != self._baseline

    def _weekly_edited(self) -> None:
        if self.banner.kind == "success":
            self.banner.clear()
        self._update_actions()

    def _update_actions(self) -> None:
        has_schedule = self._practitioner_id is not None
        dirty = has_schedule and self.weekly_dirty()
        self.save_button.setEnabled(dirty and not self._saving_weekly)
        self.discard_button.setEnabled(dirty and not self._saving_weekly)
        self.add_block_button.setEnabled(has_schedule)
        self.grid.set_read_only(not has_schedule)
        self.tabs.setTabText(WEEKLY_TAB, "Weekly hours •" if dirty else "Weekly hours")
        problems = self.grid.problems()
        if problems and dirty:
            self.save_button.setToolTip(
                "Some blocks are outlined in red; saving will say what is wrong with them."
            )
        else:
            self.save_button.setToolTip("Store the whole week at once (Ctrl+S)")

    def discard_weekly(self) -> None:
        self.grid.set_blocks(self._baseline)
        if self.banner.kind in ("error", "warning"):
            self.banner.clear()
        self._update_actions()

    def save_weekly(self) -> None:
        pid = self._practitioner_id
        if pid is None or self._saving_weekly or not self.weekly_dirty():
            return
        blocks = self.grid.blocks()
        command = SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(b.as_input() for b in blocks),
        )
        self._saving_weekly = True

        def saved(_: object) -> None:
            self._baseline = sorted_blocks(blocks)

        def finished() -> None:
            self._saving_weekly = False
            self._update_actions()

        self.run_command(command, saved, finished)

    def open_block_dialog(self, index: int | None) -> BlockDialog | None:
        """The details of block `index`, or a new block when None."""
        if self._data is None or self._practitioner_id is None:
            return None
        if index is None:
            block, title = self._free_block(), "Add a block of hours"
        else:
            block, title = self.grid.blocks()[index], "Block details"
        original = None if index is None else block
        dialog = BlockDialog(block, self._data.services, title=title, parent=self)
        self.block_dialog = dialog

        def accepted() -> None:
            # By value, not index: a reload may have reordered the blocks meanwhile.
            blocks = self.grid.blocks()
            if original is not None and original in blocks:
                self.grid.replace_block(blocks.index(original), dialog.block())
            else:
                self.grid.add_block(dialog.block())

        def finished(_: int) -> None:
            if self.block_dialog is dialog:
                self.block_dialog = None
            dialog.deleteLater()
            self.grid.setFocus()

        dialog.accepted.connect(accepted)
        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _free_block(self) -> Block:
        """A free hour for a new block: after the selected one, or a morning hour."""
        blocks = self.grid.blocks()
        selected = self.grid.selected_index()
        if selected is not None:
            weekday, start = blocks[selected].weekday, blocks[selected].end
        else:
            weekday, start = 0, 9 * 60
        for day in [weekday, *range(7)]:
            for minute in range(start if day == weekday else 9 * 60, 20 * 60, 60):
                candidate = Block(day, minute, minute + 60)
                if not any(candidate.overlaps(b) for b in blocks):
                    return candidate
        return Block(weekday, 9 * 60, 10 * 60)

    # --- commands -------------------------------------------------------------------

    def run_command(
        self,
        command: Command,
        on_success: Callable[[Any], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        """Send `command` off the GUI thread; show the core's answer."""
        bus, actor = self.ctx.bus, self.actor
        self._in_flight += 1

        def done(result: Any) -> None:
            self._in_flight -= 1
            if on_success is not None:
                on_success(result)
            if on_finished is not None:
                on_finished()
            self.banner.show_message("success", _success_text(command))
            self._update_actions()
            self.command_finished.emit(True)

        def failed(exc: BaseException) -> None:
            self._in_flight -= 1
            if on_finished is not None:
                on_finished()
            if isinstance(exc, ClinicdeskError):
                text = f"Not saved. {exc}"
            else:
                log.error("schedule command %s failed", command.kind(), exc_info=exc)
                text = f"Not saved: something went wrong ({exc}). Please try again."
            self.banner.show_message("error", text)
            self._update_actions()
            self.command_finished.emit(False)

        run_in_background(self, lambda: bus.handle(command, actor), done, failed)

    # --- preview ----------------------------------------------------------------------

    def _load_preview(self, data: ScheduleData) -> None:
        practitioner, schedule = data.practitioner, data.schedule
        if practitioner is None or schedule is None:
            return
        if practitioner.status is not PractitionerStatus.APPROVED:
            self.preview_label.setText("Not offered to clients until approved.")
            return
        db, clock, pid = self.ctx.db, self.ctx.clock, practitioner.id
        services = data.services

        def earliest() -> Preview:
            now = clock.now()
            best: tuple[datetime, str] | None = None
            for service in services:
                slot = slot_queries.next_free_slot(db, service.id, now, pid)
                if slot is not None and (best is None or slot.start < best[0]):
                    best = (slot.start, service.name)
            return Preview(pid, best[0] if best else None, best[1] if best else "")

        run_in_background(self, earliest, self._preview_loaded, self._preview_failed)

    def _preview_loaded(self, preview: Preview) -> None:
        if self._data is None or self._data.schedule is None:
            return
        if preview.practitioner_id != self._practitioner_id:
            return  # an answer about the practitioner shown before
        self.preview = preview
        if preview.start is None:
            self.preview_label.setText(
                "No open slot within the booking horizon for any service offered."
            )
            return
        local = preview.start.astimezone(ZoneInfo(self._data.schedule.timezone))
        self.preview_label.setText(
            f"Next open slot: {local:%a} {local.day} {local:%b}, {local:%H:%M} "
            f"· {preview.service} (as saved)"
        )

    def _preview_failed(self, exc: BaseException) -> None:
        log.warning("could not work out the next open slot: %r", exc)
        self.preview_label.setText("")
