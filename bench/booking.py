"""Booking command latency, commit included (DESIGN §8).

Targets: median ≤ 15 ms on SQLite, ≤ 10 ms on a local PostgreSQL. Each run
books N appointments one after the other through the real message bus (slot
check by the engine, overlap trigger, audit entry, commit) on a fresh clinic
of one practitioner open every day, so every booking is a real, valid one.

    python bench/booking.py [--postgres URL] [--count N]

Without --postgres, a throwaway PostgreSQL is started with pgserver (if it is
installed: the dev extra). Prints a table and, on its last line, a JSON object
of the figures in ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import URL, make_url

from bench._common import p95, timed
from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor, workstation_name
from models import (
    Practitioner,
    PractitionerDecision,
    PractitionerStatus,
    Role,
    ScheduleSettings,
    Service,
    StaffAccount,
    StaffRole,
)

TZ = ZoneInfo("Europe/London")


def _setup(ctx: AppContext) -> tuple[Actor, Actor, Service, Practitioner]:
    with ctx.db.write_sessions.begin() as s:
        desk = StaffAccount(
            email="desk@bench.test",
            name="Desk",
            password_hash="!",
            roles=[StaffRole(role=Role.FRONT_DESK)],
        )
        doc = StaffAccount(
            email="doc@bench.test",
            name="Doc",
            password_hash="!",
            roles=[StaffRole(role=Role.PRACTITIONER)],
        )
        s.add_all([desk, doc])
        s.flush()
        p = Practitioner(account_id=doc.id, profession="Therapist")
        svc = Service(name="Session", duration_min=30, price_cents=5000)
        svc.practitioners.append(p)
        s.add_all([p, svc])
        s.flush()
        s.add(PractitionerDecision(practitioner_id=p.id, seq=1, status=PractitionerStatus.APPROVED))
        s.add(ScheduleSettings(practitioner_id=p.id, slot_interval_min=30, horizon_days=365))
    ws = workstation_name()
    return (
        Actor(desk.id, "Desk", frozenset({Role.FRONT_DESK}), ws),
        Actor(doc.id, "Doc", frozenset({Role.PRACTITIONER}), ws),
        svc,
        p,
    )


def run(url: URL, count: int) -> list[float]:
    ctx = open_app(DatabaseChoice(url, "bench"))
    try:
        desk, doc, svc, p = _setup(ctx)
        ctx.bus.handle(
            SetWeeklyRules(
                practitioner_id=p.id,
                blocks=tuple(WeeklyBlockInput(d, time(7), time(21)) for d in range(7)),
            ),
            doc,
        )
        client = ctx.bus.handle(RegisterClient(full_name="Bench Client", phone="07700900000"), desk)
        first_day = datetime.now(TZ).date() + timedelta(days=1)
        starts = [
            datetime.combine(first_day + timedelta(days=i // 28), time(7), TZ)
            + timedelta(minutes=30 * (i % 28))
            for i in range(count + 5)
        ]
        it = iter(starts)

        def book() -> None:
            ctx.bus.handle(
                BookAppointment(
                    client_id=client, practitioner_id=p.id, service_id=svc.id, starts_at=next(it)
                ),
                desk,
            )

        timed(book, 5)  # warm caches and connections
        times, _ = timed(book, count)
        return times
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--postgres", help="a PostgreSQL URL where databases may be created")
    ap.add_argument("--count", type=int, default=300)
    args = ap.parse_args()

    sqlite_url = make_url(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}")
    results = {"sqlite": run(sqlite_url, args.count)}

    server = None
    if args.postgres:
        admin = make_url(args.postgres).set(drivername="postgresql+psycopg")
    else:
        import pgserver

        server = pgserver.get_server(Path(tempfile.mkdtemp()), cleanup_mode="delete")
        admin = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    import sqlalchemy as sa

    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS clinicdesk_bench")
        conn.exec_driver_sql("CREATE DATABASE clinicdesk_bench")
    engine.dispose()
    results["postgresql"] = run(admin.set(database="clinicdesk_bench"), args.count)
    if server is not None:
        server.cleanup()

    print(f"{args.count} bookings one after the other, commit included")
    print()
    print("| database | median ms | p95 ms | max ms | target (median) |")
    print("| --- | --: | --: | --: | --- |")
    targets = {"sqlite": "≤ 15 ms", "postgresql": "≤ 10 ms"}
    for name, times in results.items():
        print(
            f"| {name} | {statistics.median(times):.1f} | {p95(times):.1f} | "
            f"{max(times):.1f} | {targets[name]} |"
        )
    print(
        json.dumps(
            {
                "booking_sqlite_median_ms": round(statistics.median(results["sqlite"]), 2),
                "booking_postgresql_median_ms": round(statistics.median(results["postgresql"]), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
