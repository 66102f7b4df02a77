"""Open slots on the large demo clinic (DESIGN §8).

Targets: all open slots for 100 practitioners × 60 days ≤ 150 ms; next free
slot with anyone ≤ 20 ms. Measured twice: the slot engine alone on inputs
already loaded, and end to end (loading rules, exceptions, appointments and
holds from the database, then the engine) — what a desk waits for.

    python bench/slots.py [--database URL | --pgserver] [--repeat N]

With --pgserver the large demo is built on a throwaway PostgreSQL server (the
pgserver package, as the tests use; a minute or two) and measured there.

Prints a table and, on its last line, a JSON object of the figures in ms.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from bench._common import open_large_demo, parser, row, timed
from desktop_app.availability import slot_engine as engine
from desktop_app.availability import slot_queries
from desktop_app.bootstrap import AppContext
from models import Service, service_practitioner

DAYS = 60


def main() -> None:
    p = parser(__doc__ or "")
    p.add_argument(
        "--pgserver", action="store_true", help="build and measure on a throwaway PostgreSQL"
    )
    args = p.parse_args()
    if not args.pgserver:
        measure(open_large_demo(args.database), args.repeat)
        return
    from bench.demo_large import pgserver_url, throwaway_pg_database
    from desktop_app.bootstrap import open_app
    from desktop_app.demo.seed import seed_demo
    from desktop_app.infra.config import DatabaseChoice

    with pgserver_url() as server, throwaway_pg_database(server) as url:
        ctx = open_app(DatabaseChoice(url, "bench"))
        started = time.perf_counter()
        seed_demo(ctx, size="large", seed=1)
        print(f"built the large demo clinic on PostgreSQL in {time.perf_counter() - started:.0f} s")
        # Autovacuum would gather statistics within a minute or so; without them
        # the planner reads every practitioner's appointments for each query.
        with ctx.db.write_sessions() as s:
            s.connection().exec_driver_sql("ANALYZE")
            s.commit()
        measure(ctx, args.repeat)


def measure(ctx: AppContext, repeat: int) -> None:
    now = ctx.clock.now()
    day_from = now.date()
    day_to = day_from + timedelta(days=DAYS - 1)
    window = (now - timedelta(days=1), now + timedelta(days=DAYS + 1))

    with ctx.db.read_sessions() as s:
        names = dict(s.execute(select(Service.id, Service.name)).all())
        offers = s.execute(
            select(service_practitioner.c.practitioner_id, service_practitioner.c.service_id)
        ).all()
    # Each practitioner once, under the first service (by name) they offer.
    first: dict[uuid.UUID, uuid.UUID] = {}
    for pid, sid in sorted(offers, key=lambda r: names[r[1]]):
        first.setdefault(pid, sid)
    groups: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for pid, sid in first.items():
        groups[sid].append(pid)
    popular = max(names, key=lambda sid: sum(1 for _, s_id in offers if s_id == sid))

    def load_all() -> list[slot_queries.Inputs]:
        with ctx.db.read_sessions() as s:
            return [
                slot_queries.load_inputs(s, sid, window[0], window[1], now, pids)
                for sid, pids in groups.items()
            ]

    def engine_all(loaded: list[slot_queries.Inputs]) -> int:
        total = 0
        for inputs in loaded:
            total += len(
                engine.open_slots_many(
                    inputs.schedules,
                    inputs.service.id,
                    inputs.service.duration,
                    day_from,
                    day_to,
                    now,
                    inputs.holidays,
                )
            )
        return total

    load_times, loaded = timed(load_all, repeat)
    practitioners = sum(len(i.schedules) for i in loaded)
    busy = sum(len(s.busy) for i in loaded for s in i.schedules)
    engine_times, slot_count = timed(lambda: engine_all(loaded), repeat)
    e2e_times, _ = timed(lambda: engine_all(load_all()), repeat)

    with ctx.db.read_sessions() as s:
        popular_inputs = slot_queries.load_inputs(s, popular, now, now + timedelta(days=14), now)
    next_engine, slot = timed(
        lambda: engine.next_free_slot(
            popular_inputs.schedules,
            popular,
            popular_inputs.service.duration,
            now,
            popular_inputs.holidays,
        ),
        repeat * 3,
    )
    next_e2e, _ = timed(lambda: slot_queries.next_free_slot(ctx.db, popular, now), repeat)
    ctx.close()

    print(
        f"{practitioners} practitioners, {DAYS} days from {day_from}, {busy} busy items "
        f"(appointments and holds), {slot_count} open slots; next free "
        f"'{names[popular]}' with anyone ({len(popular_inputs.schedules)} practitioners): "
        f"{slot.start if slot else None}; load average {os.getloadavg()[0]:.1f}"
    )
    print()
    print("| what | min ms | median ms | max ms | target |")
    print("| --- | --: | --: | --: | --- |")
    print(row("all open slots, engine only", engine_times, "≤ 150 ms"))
    print(row("all open slots, loading from the database", load_times, ""))
    print(row("all open slots, end to end", e2e_times, "≤ 150 ms"))
    print(row("next free slot with anyone, engine only", next_engine, "≤ 20 ms"))
    print(row("next free slot with anyone, end to end", next_e2e, "≤ 20 ms"))
    print(
        json.dumps(
            {
                "all_slots_100x60_ms": round(statistics.median(engine_times), 1),
                "all_slots_100x60_end_to_end_ms": round(statistics.median(e2e_times), 1),
                "load_100x60_ms": round(statistics.median(load_times), 1),
                "next_free_any_ms": round(statistics.median(next_engine), 1),
                "next_free_any_end_to_end_ms": round(statistics.median(next_e2e), 1),
            }
        )
    )


if __name__ == "__main__":
    main()
