"""The front desk's screens for `render_all`: the Today view at its most telling,
and the booking dialog with a client, a day and a time chosen.

Rendering only reads: the dialog is told not to place holds, so making the
screenshots writes nothing (no hold, no audit entry).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QWidget

from desktop_app import queries, schedules
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.queries import ServiceRow, StaffRow
from desktop_app.slot_engine import Slot
from models.enums import Role
from ui.booking_dialog import BookingDialog, combo_index
from ui.ops import pending_operations
from ui.views.today import TodayView

BOOKING_DIALOG_SHOT = "20-booking-dialog.png"
DIALOG_SIZE = (1180, 720)


def show_today_example(view: TodayView, wait_until: Callable[[Callable[[], bool]], None]) -> None:
    """Free times for the service with the most of them in the columns on screen."""
    data, layout = view.data, view.day_layout
    if data is None or layout is None or not data.meta.services:
        return
    db, now, day = view.ctx.db, view.ctx.clock.now(), data.day
    on_screen = {c.practitioner_id for c in layout.columns[:6]}
    counts = {
        s.id: sum(
            slot.practitioner_id in on_screen
            for slot in schedules.open_slots(db, s.id, day, day, now)
        )
        for s in data.meta.services
    }
    best = max(counts, key=lambda sid: counts[sid])
    if counts[best] and best != data.service_id:
        view.service_combo.setCurrentIndex(combo_index(view.service_combo, best))
        wait_until(lambda: view.is_loaded() and pending_operations() == 0)


def render_booking_dialog(
    ctx: AppContext,
    staff: list[StaffRow],
    out_dir: Path,
    wait_until: Callable[[Callable[[], bool]], None],
    save: Callable[[QWidget, Path], Path],
) -> list[Path]:
    """20-booking-dialog.png, or nothing when the clinic has nothing to book."""
    services = queries.services(ctx.db)
    desk = next(
        (s for s in staff if s.is_active and Role.FRONT_DESK in s.roles),
        next((s for s in staff if s.is_active and Role.MANAGER in s.roles), None),
    )
    clients = queries.clients(ctx.db, limit=40)
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
            slots = schedules.open_slots(ctx.db, service.id, day, day, now)
            if slots and (best is None or len(slots) > best[0]):
                best = (len(slots), service, slots)
    if best is None:
        return []
    _, service, slots = best
    slot = slots[len(slots) // 3]
    actor = Actor(desk.id, desk.name, desk.roles, "screenshots")
    dialog = BookingDialog(ctx, actor, service_id=service.id, starts_at=slot.start)
    dialog.place_holds = False
    dialog.resize(*DIALOG_SIZE)
    dialog.show()
    try:
        wait_until(dialog.is_idle)
        client = clients[len(clients) // 3]
        picker = dialog.client_picker
        picker.search(client.full_name.split()[0])
        wait_until(lambda: not picker.is_searching())
        match = next((i for i, n in enumerate(picker.result_names()) if n == client.full_name), 0)
        picker.choose_row(match)
        wait_until(lambda: dialog.is_idle() and pending_operations() == 0)
        return [save(dialog, out_dir / BOOKING_DIALOG_SHOT)]
    finally:
        dialog.reject()
        # Nothing in flight may hold the last reference to the dialog (it has
        # no parent): it would be destroyed on a worker thread.
        wait_until(lambda: pending_operations() == 0)
        QThreadPool.globalInstance().waitForDone()
        dialog.deleteLater()
