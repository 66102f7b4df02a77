"""Render every screen to PNG files, offscreen, over the current database.

Used for the documentation and to look at the interface without a display:
`render_all(ctx, Path("docs/screenshots"))`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

from desktop_app.booking import queries as booking_queries
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.queries import StaffRow
from models.enums import Role
from tools.screenshots.accounts import SEPARATE_PAGES, prepare_page, render_account_screens
from tools.screenshots.assistant import render_assistant_screens
from tools.screenshots.booking import render_booking_dialog, show_today_example
from tools.screenshots.credits import render_credit_screens
from tools.screenshots.partners import render_partner_screens
from tools.screenshots.settings import render_settings_screens
from tools.screenshots.support import (
    actor_for,
    application,
    close,
    open_window,
    save,
    settled,
    wait_until,
)
from ui.clients.page import ClientsView
from ui.credits.page import CreditsView
from ui.kit.ops import pending_operations
from ui.schedule.page import MyScheduleView
from ui.shell.first_run import FirstRunWizard
from ui.shell.login import LoginDialog
from ui.today.page import TodayView


def _first_with(staff: list[StaffRow], role: Role) -> StaffRow | None:
    return next((s for s in staff if s.is_active and role in s.roles), None)


def render_all(ctx: AppContext, out_dir: Path) -> list[Path]:
    """Render the login, the first-run wizard and every page of the main window."""
    application()
    out_dir.mkdir(parents=True, exist_ok=True)
    staff = staff_queries.staff_accounts(ctx.db)
    manager_row = _first_with(staff, Role.MANAGER)
    manager = (
        actor_for(manager_row)
        if manager_row
        else Actor(None, "Manager", frozenset({Role.MANAGER}), workstation_name())
    )
    paths: list[Path] = []

    login = LoginDialog(ctx, email=manager_row.email if manager_row else "manager@clinic.example")
    login.show()
    wait_until(lambda: pending_operations() == 0)
    paths.append(save(login, out_dir / "01-login.png"))
    login.close()
    login.deleteLater()

    wizard = FirstRunWizard(ctx)
    wizard.show()
    wait_until(lambda: True)
    paths.append(save(wizard, out_dir / "02-first-run.png"))
    # The same form as a user sees it after pressing Create with a typo.
    wizard.clinic_name.setText("Riverside Therapy Centre")
    wizard.name.setText("Morgan Reyes")
    wizard.email.setText("morgan@riverside.example")
    wizard.password.setText("correct horse")
    wizard.password_again.setText("correct hose")
    wizard.show_field_errors(wizard.validate())
    wizard.adjustSize()
    wait_until(lambda: True)
    paths.append(save(wizard, out_dir / "03-first-run-validation.png"))
    wizard.close()
    wizard.deleteLater()

    # The schedule editor is shown as a practitioner sees their own (30-my-schedule).
    paths += _render_pages(
        ctx, manager, out_dir, first_number=10, skip={"my-schedule", *SEPARATE_PAGES}
    )

    # The booking dialog as the desk fills it in (20-booking-dialog).
    paths += render_booking_dialog(ctx, staff, out_dir)

    # Pages a manager does not have (a practitioner's own), as a practitioner sees them.
    practitioner_row = _first_with(staff, Role.PRACTITIONER)
    if practitioner_row is not None:
        seen = {p.stem.split("-", 1)[1] for p in paths if p.stem[:2].isdigit()}
        paths += _render_pages(
            ctx, actor_for(practitioner_row), out_dir, first_number=30, skip=seen | SEPARATE_PAGES
        )
    # The account screens (review, staff, idle lock…), numbered from 40.
    paths += render_account_screens(ctx, staff, manager, out_dir)
    # Credits: the client ledger, a sale and its receipt (50), partners and packs (55),
    # then the e-mail settings and templates (60).
    paths += render_credit_screens(ctx, manager, out_dir)
    paths += render_partner_screens(ctx, manager, out_dir)
    paths += render_settings_screens(ctx, manager, out_dir)
    # The booking assistant (Ctrl+K), as the front desk sees it (70).
    desk_row = _first_with(staff, Role.FRONT_DESK)
    paths += render_assistant_screens(ctx, actor_for(desk_row) if desk_row else manager, out_dir)
    return paths


def _example_client(ctx: AppContext) -> tuple[uuid.UUID, str] | None:
    """A client with both coming and past appointments, whose record shows the most."""
    now = ctx.clock.now()
    rows = booking_queries.appointments_between(
        ctx.db, now - timedelta(days=60), now + timedelta(days=60)
    )
    visits: dict[uuid.UUID, list[int]] = {}
    names: dict[uuid.UUID, str] = {}
    for row in rows:
        if row.client_id is None:
            continue
        counts = visits.setdefault(row.client_id, [0, 0])
        counts[row.starts_at > now] += 1
        names[row.client_id] = row.client_name
    if not visits:
        return None
    best = max(visits, key=lambda c: (min(visits[c]) > 0, sum(visits[c]), names[c]))
    return best, names[best]


def _show_example_client(ctx: AppContext, view: ClientsView) -> None:
    example = _example_client(ctx)
    if example is None:
        return
    client_id, name = example
    # Their first name: a few people match, one of them chosen.
    view.open_client(client_id, name.split()[0])
    wait_until(
        lambda: view.search_settled() and view.record is not None and view.record.id == client_id
    )
    wait_until(settled(view))


def _render_pages(
    ctx: AppContext, actor: Actor, out_dir: Path, *, first_number: int, skip: set[str]
) -> list[Path]:
    window = open_window(ctx, actor)
    paths: list[Path] = []
    try:
        number = first_number
        # Second looks at a page (another tab), numbered after every page.
        variants: list[tuple[str, MyScheduleView]] = []
        for page in window.pages:
            name = page.key.replace("_", "-")
            if name in skip:
                continue
            view = window.show_page(page.key)
            view.ensure_loaded()
            wait_until(settled(view))
            prepare_page(view)
            if isinstance(view, ClientsView):
                _show_example_client(ctx, view)
            if isinstance(view, TodayView):
                show_today_example(view)
            if isinstance(view, CreditsView):
                view.show_example()
                wait_until(settled(view))
            paths.append(save(window, out_dir / f"{number:02d}-{name}.png"))
            number += 1
            if isinstance(view, MyScheduleView):
                variants.append((page.key, view))
        for key, schedule_view in variants:
            window.show_page(key)
            schedule_view.show_exceptions_example()
            wait_until(settled(schedule_view))
            name = key.replace("_", "-")
            paths.append(save(window, out_dir / f"{number:02d}-{name}-exceptions.png"))
            number += 1
    finally:
        close(window)
    return paths
