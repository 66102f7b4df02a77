"""Build the large demo clinic (100 practitioners, 100 000 clients, 100 000
appointments) on a fresh database, time it, then time `clinicdesk doctor` on it.

Run:  python bench/demo_large.py [--seed S] [--keep PATH]
                                  [--postgres URL | --pgserver]

SQLite always: a fresh file in a temporary folder (or at --keep PATH, which
must not exist yet). PostgreSQL too with --postgres URL (a throwaway database
is created on that server and dropped afterwards; the URL needs the right to
CREATE DATABASE), or with --pgserver (a throwaway server from the pgserver
package, as the tests use).

Prints one line per step and, on its last line, a JSON object of the figures
in seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_app.bootstrap import open_app
from desktop_app.demo.seed import seed_demo
from desktop_app.infra.config import DatabaseChoice, parse_database_url
from desktop_app.infra.doctor import SESSION_CHECKS, check_schema


def measure(url: URL, seed: int, label: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    started = time.perf_counter()
    ctx = open_app(DatabaseChoice(url, "bench"))
    figures[f"{label}_migrate_s"] = round(time.perf_counter() - started, 2)
    try:
        started = time.perf_counter()
        summary = seed_demo(ctx, size="large", seed=seed)
        seconds = time.perf_counter() - started
        figures[f"{label}_seed_s"] = round(seconds, 2)
        print(
            f"{label}: large demo seeded in {seconds:.1f} s — {summary.practitioners} "
            f"practitioners, {summary.clients} clients, {summary.appointments} appointments, "
            f"{summary.payments} payments, {summary.credit_entries} credit entries",
            flush=True,
        )

        doctor_started = time.perf_counter()
        failed = [] if check_schema(ctx.db).ok else ["schema version"]
        for name, check in SESSION_CHECKS:
            with ctx.db.read_sessions() as session:
                started = time.perf_counter()
                finding = check(session)
                seconds = time.perf_counter() - started
            key = name.replace(" ", "_")
            figures[f"{label}_doctor_{key}_s"] = round(seconds, 3)
            if not finding.ok:
                failed.append(f"{name}: {finding.detail}")
            print(f"{label}: doctor · {name:<26} {seconds * 1000:7.0f} ms", flush=True)
        figures[f"{label}_doctor_total_s"] = round(time.perf_counter() - doctor_started, 2)
        if failed:
            raise SystemExit(f"{label}: the doctor found problems in the demo: {failed}")
    finally:
        ctx.close()
    return figures


@contextmanager
def throwaway_pg_database(server: URL) -> Iterator[URL]:
    name = "clinicdesk_bench_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield server.set(database=name)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@contextmanager
def pgserver_url() -> Iterator[URL]:
    import pgserver  # type: ignore[import-not-found,unused-ignore]

    data_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-bench-pg-"))
    server = pgserver.get_server(data_dir, cleanup_mode="delete")
    try:
        yield make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    finally:
        server.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the SQLite database here and keep it")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--postgres", metavar="URL", help="also build it on this server")
    group.add_argument("--pgserver", action="store_true", help="also build it on a pgserver")
    args = parser.parse_args()

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="clinicdesk-bench-") as tmp:
        path = args.keep or Path(tmp) / "large-demo.sqlite3"
        if path.exists():
            raise SystemExit(f"{path} already exists")
        figures.update(measure(make_url(f"sqlite:///{path.absolute()}"), args.seed, "sqlite"))
        figures["sqlite_file_mb"] = round(path.stat().st_size / 1e6, 1)

    if args.postgres:
        server = parse_database_url(args.postgres)
        with throwaway_pg_database(server) as url:
            figures.update(measure(url, args.seed, "postgresql"))
    elif args.pgserver:
        with pgserver_url() as server, throwaway_pg_database(server) as url:
            figures.update(measure(url, args.seed, "postgresql"))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
