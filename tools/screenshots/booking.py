"""The front desk's screens for `render_all`: the Today view at its most telling,
the booking dialog with a client, a day and a time chosen, paying with the
client's credits, and a late cancellation as a manager sees it.

Rendering only reads: the dialog is told not to place holds, and the
cancel dialog is drawn, never confirmed, so making the screenshots writes
nothing (no hold, no audit entry).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QThreadPool

from desktop_app.availability import slot_queries
from desktop_app.availability.slot_engine import Slot
from desktop_app.booking import cancellation
from desktop_app.booking import queries as booking_queries
from desktop_app.booking.cancellation import CancellationOutlook
from desktop_app.booking.queries import AppointmentRow
from desktop_app.bootstrap import AppContext
from desktop_app.clients import queries as client_queries
from desktop_app.clients.queries import ClientRow
from desktop_app.clinic import queries as clinic_queries
from desktop_app.clinic.queries import ServiceRow
from desktop_app.credits import ledger
from desktop_app.kernel.actor import Actor
from desktop_app.staff.queries import StaffRow
from models.enums import AppointmentStatus, Role
from tools.screenshots.support import (
    centre_over,
    close,
    open_window,
    save,
    save_with_dialog,
    wait_until,
)
from ui.booking.appointment_actions import CancelDialog
from ui.booking.booking_dialog import BookingDialog, combo_index
from ui.kit.ops import pending_operations
from ui.today.page import TodayView

BOOKING_DIALOG_SHOT = "20-booking-dialog.png"
CANCEL_LATE_SHOT = "21-cancel-late.png"
DIALOG_SIZE = (1180, 720)
# How far ahead to look for an appointment paid with credits to cancel.
CANCEL_LOOKAHEAD = timedelta(days=14)


def show_today_example(view: TodayView) -> None:
    """Free times for the service with the most of them in the columns on screen."""
    data, layout = view.data, view.day_layout
    if data is None or layout is None or not data.meta.services:
        return
    db, now, day = view.ctx.db, view.ctx.clock.now(), data.day
    on_screen = {c.practitioner_id for c in layout.columns[:6]}
    counts = {
        s.id: sum(
            slot.practitioner_id in on_screen
            for slot in slot_queries.open_slots(db, s.id, day, day, now)
        )
        for s in data.meta.services
    }
    best = max(counts, key=lambda sid: counts[sid])
    if counts[best] and best != data.service_id:
        view.service_combo.setCurrentIndex(combo_index(view.service_combo, best))
        wait_until(lambda: view.is_loaded() and pending_operations() == 0)


def _client_paying_with_credits(
    ctx: AppContext, clients: list[ClientRow], service: ServiceRow
) -> ClientRow:
    """A client whose credits pay for `service`, or the usual one when nobody's do."""
    now = ctx.clock.now()
    ordered = clients[len(clients) // 3 :] + clients[: len(clients) // 3]
    if service.price_credits is not None:
        for client in ordered:
            if ledger.credit_plan(ctx.db, client.id, service.id, now).enough:
                return client
    return ordered[0]


def render_booking_dialog(
    ctx: AppContext,
    staff: list[StaffRow],
    out_dir: Path,
) -> list[Path]:
    """20-booking-dialog.png, or nothing when the clinic has nothing to book;
    then 21-cancel-late.png (see `render_cancel_late`)."""
    services = clinic_queries.services(ctx.db)
    desk = next(
        (s for s in staff if s.is_active and Role.FRONT_DESK in s.roles),
        next((s for s in staff if s.is_active and Role.MANAGER in s.roles), None),
    )
    clients = client_queries.clients(ctx.db, limit=40)
    if desk is None or not services or not clients:
        return []
    now = ctx.clock.now()
    today = now.date()
    # A therapy-length session on the coming day with the most free times,
    # so the slot grid shows what it is for.
    candidates = [s for s in services if s.duration_min >= 45] or services
    best: tuple[int, ServiceRow, list[Slot]] | None = None
    for service in candidates:
        for ahead in range(1, 8):
            day = today + timedelta(days=ahead)
            slots = slot_queries.open_slots(ctx.db, service.id, day, day, now)
            if slots and (best is None or len(slots) > best[0]):
                best = (len(slots), service, slots)
    if best is None:
        return render_cancel_late(ctx, staff, out_dir)
    _, service, slots = best
    slot = slots[len(slots) // 3]
    actor = Actor(desk.id, desk.name, desk.roles, "screenshots")
    dialog = BookingDialog(ctx, actor, service_id=service.id, starts_at=slot.start)
    dialog.place_holds = False
    dialog.resize(*DIALOG_SIZE)
    dialog.show()
    paths: list[Path] = []
    try:
        wait_until(dialog.is_idle)
        client = _client_paying_with_credits(ctx, clients, service)
        picker = dialog.client_picker
        picker.search(client.full_name.split()[0])
        wait_until(lambda: not picker.is_searching())
        match = next((i for i, n in enumerate(picker.result_names()) if n == client.full_name), 0)
        picker.choose_row(match)
        wait_until(lambda: dialog.is_idle() and pending_operations() == 0)
        paths.append(save(dialog, out_dir / BOOKING_DIALOG_SHOT))
    finally:
        dialog.reject()
        # Nothing in flight may hold the last reference to the dialog (it has
        # no parent): it would be destroyed on a worker thread.
        wait_until(lambda: pending_operations() == 0)
        QThreadPool.globalInstance().waitForDone()
        dialog.deleteLater()
    return paths + render_cancel_late(ctx, staff, out_dir)


def _appointment_to_cancel(
    ctx: AppContext,
) -> tuple[AppointmentRow, CancellationOutlook] | None:
    """The first coming appointment paid with credits that is inside the
    free-cancellation window; failing that (the demo's time may have none),
    the first one paid with credits at all, whose dialog then shows the
    early-cancellation case."""
    now = ctx.clock.now()
    rows = booking_queries.appointments_between(ctx.db, now, now + CANCEL_LOOKAHEAD)
    live = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)
    first_paid: tuple[AppointmentRow, CancellationOutlook] | None = None
    for row in sorted((r for r in rows if r.status in live), key=lambda r: r.starts_at):
        outlook = cancellation.outlook(ctx.db, row.id, now)
        if not outlook.credits_held:
            continue
        if outlook.late:
            return row, outlook
        first_paid = first_paid or (row, outlook)
    return first_paid


def render_cancel_late(
    ctx: AppContext,
    staff: list[StaffRow],
    out_dir: Path,
) -> list[Path]:
    """21-cancel-late.png: the cancel dialog over the Today page, as a manager
    sees it for an appointment paid with credits, returning them ticked with
    a reason; nothing when no coming appointment was paid with credits."""
    manager = next((s for s in staff if s.is_active and Role.MANAGER in s.roles), None)
    found = _appointment_to_cancel(ctx)
    if manager is None or found is None:
        return []
    row, _ = found
    actor = Actor(manager.id, manager.name, manager.roles, "screenshots")
    window = open_window(ctx, actor)
    try:
        today = window.show_page(window.pages[0].key)
        today.ensure_loaded()
        wait_until(lambda: today.is_loaded() and pending_operations() == 0)
        tz = ZoneInfo(clinic_queries.clinic_settings(ctx.db).timezone)
        dialog = CancelDialog(ctx, actor, row, tz, window)
        dialog.show()
        wait_until(dialog.is_idle)
        dialog.reason.setText(CancelDialog.QUICK_REASONS[1])
        if dialog.policy.override.isVisible():
            dialog.policy.override.setChecked(True)
            dialog.policy.reason.setText("Taken to hospital this morning; goodwill")
        dialog.adjustSize()
        centre_over(dialog, window)
        wait_until(lambda: pending_operations() == 0)
        path = save_with_dialog(window, dialog, out_dir / CANCEL_LATE_SHOT)
        dialog.reject()
        dialog.deleteLater()
        return [path]
    finally:
        close(window)
