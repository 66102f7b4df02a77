"""Every report for a year on the large demo clinic (100 000 appointments).

Target: each report for a year ≤ 500 ms, on SQLite and on PostgreSQL. The
year is the 365 days from the demo's first appointment (it holds all of them).

    python bench/reports.py [--database URL] [--pgserver | --postgres URL] [--repeat N]

SQLite: the --database given, else a large demo built in a temporary file.
With --pgserver (a throwaway server from the pgserver package) or --postgres
URL (a server where databases may be created) the large demo is also built
on PostgreSQL and measured there.

Prints a table and, on its last line, a JSON object of the figures in ms,
with `reports_year_max_ms` the slowest report's median on either database.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import URL, make_url

from bench._common import open_large_demo, timed
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import DatabaseChoice
from desktop_app.reports.catalogue import REPORTS, build
from desktop_app.reports.period import Period, clinic
from models import Appointment

TARGET_MS = 500


def year_of(ctx: AppContext) -> Period:
    with ctx.db.read_sessions() as s:
        first = s.scalar(select(func.min(Appointment.starts_at)))
        tz = clinic(s).tz
    assert first is not None, "the database has no appointments"
    start = first.astimezone(tz).date()
    return Period(start, start + timedelta(days=364))


def measure(ctx: AppContext, label: str, repeat: int) -> dict[str, float]:
    period = year_of(ctx)
    print(f"{label}: {period.start} – {period.end}", flush=True)
    out: dict[str, float] = {}
    for name in REPORTS:
        build(ctx.db, name, period)  # warm: first query plans, caches
        times, _ = timed(lambda name=name: build(ctx.db, name, period), repeat)  # type: ignore[misc]
        median = statistics.median(times)
        out[f"{label}_{name}_ms"] = round(median, 1)
        print(
            f"| {label} | {name} | {min(times):.0f} | {median:.0f} | {max(times):.0f} | "
            f"≤ {TARGET_MS} |",
            flush=True,
        )
    return out


def pg_demo(admin: URL) -> tuple[AppContext, str]:
    from desktop_app.demo.seed import seed_demo

    name = "clinicdesk_bench_" + uuid.uuid4().hex[:8]
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    ctx = open_app(DatabaseChoice(admin.set(database=name), "bench"))
    started = time.perf_counter()
    seed_demo(ctx, size="large", seed=1)
    print(f"built the large demo on PostgreSQL in {time.perf_counter() - started:.0f} s")
    return ctx, name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--database", help="a SQLite database holding the large demo clinic")
    ap.add_argument("--pgserver", action="store_true")
    ap.add_argument("--postgres", help="a PostgreSQL URL where databases may be created")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    print("| database | report | min ms | median ms | max ms | target ms |")
    print("| --- | --- | --: | --: | --: | --: |")
    figures: dict[str, float] = {}
    ctx = open_large_demo(args.database)
    try:
        figures.update(measure(ctx, "sqlite", args.repeat))
    finally:
        ctx.close()

    server = None
    admin: URL | None = None
    if args.postgres:
        admin = make_url(args.postgres).set(drivername="postgresql+psycopg")
    elif args.pgserver:
        import pgserver

        server = pgserver.get_server(Path(tempfile.mkdtemp()), cleanup_mode="delete")
        admin = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    if admin is not None:
        pg, name = pg_demo(admin)
        try:
            figures.update(measure(pg, "postgresql", args.repeat))
        finally:
            pg.close()
            engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            engine.dispose()
            if server is not None:
                server.cleanup()

    figures["reports_year_max_ms"] = max(v for k, v in figures.items() if k.endswith("_ms"))
    try:
        with open("/proc/loadavg") as f:
            figures["load_average_1min"] = float(f.read().split()[0])
    except OSError:
        pass
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
