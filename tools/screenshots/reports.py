"""The Reports screens (80-8c): dashboards per role, each report with its chart,
a drill-down, taking payment and the day's cash-up.

    python -m tools.screenshots.reports DIR [--database URL]

Takes a few payments at the desk first when the day has none (the demo
clinic records credit sales only), so the cash-up and revenue have rows.
"""

from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import choose_database
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.payments.commands import RecordPayment
from desktop_app.payments.queries import appointment_due, cash_up
from desktop_app.reports.period import clinic
from desktop_app.staff import queries as staff_queries
from models import Appointment, AppointmentStatus, PaymentMethod
from models.enums import Role
from tools.screenshots.support import WINDOW_SIZE, application, save, wait_until
from ui.kit.ops import pending_operations
from ui.reports.page import ReportsView

SHOWN = (
    ("utilisation", 0, "83-report-utilisation"),
    ("utilisation", 1, "84-report-utilisation-heat-map"),
    ("revenue", 0, "85-report-revenue"),
    ("credits", 0, "86-report-credits"),
    ("no-shows", 0, "87-report-no-shows"),
    ("sources", 0, "88-report-sources"),
    ("clients", 0, "89-report-clients"),
)


def _actor(ctx: AppContext, role: Role) -> Actor | None:
    row = next(
        (s for s in staff_queries.staff_accounts(ctx.db) if s.is_active and role in s.roles), None
    )
    return Actor(row.id, row.name, row.roles, workstation_name()) if row else None


def _take_some_payments(ctx: AppContext, desk: Actor) -> None:
    now = ctx.clock.now()
    day = cash_up(ctx.db, now.astimezone(clinic_zone(ctx)).date())
    if any(line.what.startswith("Appointment") for line in day.lines):
        return
    with ctx.db.read_sessions() as s:
        done = s.scalars(
            select(Appointment.id)
            .where(
                Appointment.status == AppointmentStatus.COMPLETED,
                Appointment.starts_at >= now - timedelta(hours=12),
            )
            .order_by(Appointment.starts_at.desc())
            .limit(12)
        ).all()
    methods = (PaymentMethod.CARD, PaymentMethod.CASH, PaymentMethod.CARD, PaymentMethod.TRANSFER)
    for i, appointment_id in enumerate(done):
        due = appointment_due(ctx.db, appointment_id)
        if due.due_cents:
            ctx.bus.handle(
                RecordPayment(
                    appointment_id=appointment_id,
                    amount_cents=due.due_cents,
                    currency=due.currency,
                    method=methods[i % len(methods)],
                ),
                desk,
            )


def clinic_zone(ctx: AppContext) -> ZoneInfo:
    with ctx.db.read_sessions() as s:
        return clinic(s).tz


def _page(ctx: AppContext, actor: Actor) -> ReportsView:
    page = ReportsView(ctx, actor)
    page.resize(WINDOW_SIZE)
    page.show()
    page.ensure_loaded()
    wait_until(lambda: page.is_loaded() and pending_operations() == 0)
    return page


def render_report_screens(ctx: AppContext, out_dir: Path) -> list[Path]:
    application()
    out_dir.mkdir(parents=True, exist_ok=True)
    manager = _actor(ctx, Role.MANAGER)
    desk = _actor(ctx, Role.FRONT_DESK)
    practitioner = _actor(ctx, Role.PRACTITIONER)
    paths: list[Path] = []
    if manager is None:
        return paths
    if desk is not None:
        _take_some_payments(ctx, desk)

    page = _page(ctx, manager)
    paths.append(save(page, out_dir / "80-dashboard-manager.png"))
    panel = page.reports
    assert panel is not None
    page.tabs.setCurrentWidget(panel)
    today = ctx.clock.now().astimezone(clinic_zone(ctx)).date()
    start, end = today - timedelta(days=27), today
    chosen = ""
    for name, table, stem in SHOWN:
        if name != chosen:
            chosen = name
            panel.choose(name, start, end)
            wait_until(lambda: not panel.loading and pending_operations() == 0)
        panel.tabs.setCurrentIndex(table)
        wait_until(lambda: True)
        paths.append(save(page, out_dir / f"{stem}.png"))
    panel.choose("no-shows", start, end)
    wait_until(lambda: not panel.loading and pending_operations() == 0)
    drill = panel.open_drill(0, 3)
    if drill is not None:
        wait_until(lambda: drill.behind is not None and pending_operations() == 0)
        paths.append(save(drill, out_dir / "8b-drill-down.png"))
        drill.close()
    if page.cash_up is not None:
        page.tabs.setCurrentWidget(page.cash_up)
        wait_until(lambda: page.cash_up is not None and not page.cash_up.loading)
        paths.append(save(page, out_dir / "8a-cash-up.png"))
    page.close()

    if desk is not None:
        desk_page = _page(ctx, desk)
        paths.append(save(desk_page, out_dir / "81-dashboard-desk.png"))
        cash = desk_page.cash_up
        with ctx.db.read_sessions() as s:
            booked = s.scalar(
                select(Appointment.id)
                .where(
                    Appointment.status == AppointmentStatus.BOOKED,
                    Appointment.starts_at >= ctx.clock.now(),
                )
                .order_by(Appointment.starts_at)
                .limit(1)
            )
        if cash is not None and booked is not None:
            dialog = cash.open_payment(appointment_due(ctx.db, booked))
            wait_until(lambda: True)
            paths.append(save(dialog, out_dir / "8c-take-payment.png"))
            dialog.reject()
        desk_page.close()
    if practitioner is not None:
        mine = _page(ctx, practitioner)
        paths.append(save(mine, out_dir / "82-dashboard-practitioner.png"))
        mine.close()
    return paths


def main() -> None:
    ap = argparse.ArgumentParser(description="render the Reports screens to PNG files")
    ap.add_argument("directory", type=Path)
    ap.add_argument("--database")
    args = ap.parse_args()
    ctx = open_app(choose_database(args.database))
    try:
        for path in render_report_screens(ctx, args.directory):
            print(path)
    finally:
        ctx.close()


if __name__ == "__main__":
    main()
