"""Live refresh latency: from commit at one workstation to delivery at another (DESIGN §8).

Targets: p95 ≤ 2000 ms on SQLite (several processes on one computer), ≤ 1000 ms
on a local PostgreSQL. A writer process registers clients one after the other
(at a steady pace, as desks do); this process runs the app's live feed over
the same database and notes when each change reaches its bus's subscribers —
where the bus bridge hands it to the views. The writer notes the time at its
own commit as it begins (so the figure includes the commit itself); both
use the same system clock.

    python bench/live.py [--postgres URL] [--count N] [--pace-ms MS]

Without --postgres, a throwaway PostgreSQL is started with pgserver. Prints a
table and, on its last line, a JSON object of the figures in ms.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine
from sqlalchemy import event as sa_event
from sqlalchemy.engine import URL, make_url

from bench._common import p95
from desktop_app.bootstrap import open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.clients.events import ClientChanged
from desktop_app.infra.config import DatabaseChoice, parse_database_url
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.events import Event
from desktop_app.live.status import LinkState
from models import Role


def write(url: str, count: int, pace_ms: float) -> dict[str, float]:
    """The other desk: `count` commands; the wall-clock time of each commit by client id."""
    ctx = open_app(DatabaseChoice(parse_database_url(url), "bench"), migrate=False)
    committed: dict[str, float] = {}
    # When the commit began: the latency measured includes the commit itself.
    commit_started = [0.0]

    def stamp(_session: object) -> None:
        commit_started[0] = time.time()

    sa_event.listen(ctx.db.write_sessions, "before_commit", stamp)

    def note(event: Event) -> None:
        if isinstance(event, ClientChanged):
            committed[str(event.client_id)] = commit_started[0]

    ctx.bus.subscribe_all(note)
    desk = Actor(None, "Bench desk", frozenset({Role.FRONT_DESK}), "bench-desk", is_system=True)
    try:
        for n in range(count):
            ctx.bus.handle(
                RegisterClient(full_name=f"Live Bench {n}", phone=f"0770091{n:04d}"), desk
            )
            time.sleep(pace_ms / 1000)
    finally:
        ctx.close()
    return committed


def run(url: URL, count: int, pace_ms: float) -> list[float]:
    ctx = open_app(DatabaseChoice(url, "bench"))
    arrived: dict[str, float] = {}
    done = threading.Event()

    def note(event: Event) -> None:
        if isinstance(event, ClientChanged):
            arrived[str(event.client_id)] = time.time()
            if len(arrived) >= count:
                done.set()

    ctx.bus.subscribe_all(note)
    live = ctx.start_live()
    deadline = time.monotonic() + 30
    while live.status.value.state is not LinkState.CONNECTED:
        if time.monotonic() > deadline:
            raise SystemExit("the live feed did not connect")
        time.sleep(0.01)
    try:
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(1) as pool:
            committed = pool.apply_async(
                write, (url.render_as_string(hide_password=False), count, pace_ms)
            ).get(timeout=600)
        if not done.wait(30):
            raise SystemExit(f"only {len(arrived)} of {count} changes arrived")
        if set(arrived) != set(committed) or live.delivered != count:
            raise SystemExit("changes were lost or delivered twice")
        return [(arrived[k] - committed[k]) * 1000 for k in committed]
    finally:
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--postgres", help="a PostgreSQL URL where databases may be created")
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--pace-ms", type=float, default=20.0)
    args = ap.parse_args()

    results: dict[str, list[float]] = {}
    path = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-")) / "live.sqlite3"
    results["sqlite"] = run(make_url(f"sqlite:///{path}"), args.count, args.pace_ms)

    server = None
    if args.postgres:
        admin = make_url(args.postgres).set(drivername="postgresql+psycopg")
    else:
        import pgserver

        server = pgserver.get_server(Path(tempfile.mkdtemp()), cleanup_mode="delete")
        admin = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    name = "clinicdesk_bench_live_" + uuid.uuid4().hex[:8]
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        results["postgresql"] = run(admin.set(database=name), args.count, args.pace_ms)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()
        if server is not None:
            server.cleanup()

    print(f"{args.count} changes, one every {args.pace_ms:g} ms, commit to delivery in another")
    print("process")
    print()
    print("| database | min ms | median ms | p95 ms | max ms | target (p95) |")
    print("| --- | --: | --: | --: | --: | --- |")
    targets = {"sqlite": "≤ 2000 ms", "postgresql": "≤ 1000 ms"}
    for db_name, times in results.items():
        print(
            f"| {db_name} | {min(times):.1f} | {statistics.median(times):.1f} | {p95(times):.1f} | "
            f"{max(times):.1f} | {targets[db_name]} |"
        )
    print(
        json.dumps(
            {
                "live_sqlite_p50_ms": round(statistics.median(results["sqlite"]), 2),
                "live_sqlite_p95_ms": round(p95(results["sqlite"]), 2),
                "live_postgresql_p50_ms": round(statistics.median(results["postgresql"]), 2),
                "live_postgresql_p95_ms": round(p95(results["postgresql"]), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
