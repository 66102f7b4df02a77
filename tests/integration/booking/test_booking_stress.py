"""Many desks race for the same slots: exactly one booking per slot survives.

16 threads in this process and 4 other processes book the same 10 slots of one
practitioner, on SQLite and on PostgreSQL. Every loser gets "slot was just
taken"; nothing else goes wrong; the database stays consistent.
"""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment
from desktop_app.booking.errors import SlotTaken
from desktop_app.bootstrap import AppContext
from desktop_app.clients.commands import RegisterClient
from models import Appointment, AppointmentStatus, Role
from tests import factories
from tests.stress_worker import race

THREADS = 16
PROCESSES = 4
SLOTS = 10


@pytest.mark.slow
def test_threads_and_processes_race_for_the_same_ten_slots(app: AppContext) -> None:
    service = factories.service(app, "Individual", 60)
    pract, pid = factories.practitioner(app, "Dr Busy", services=(service,), interval_min=60)
    app.bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(WeeklyBlockInput(d, time(8), time(18)) for d in range(7)),
        ),
        pract,
    )
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    day = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=7)).date()
    starts = [datetime.combine(day, time(8 + i), ZoneInfo("Europe/London")) for i in range(SLOTS)]
    clients = [
        app.bus.handle(RegisterClient(full_name=f"Client {i}", phone=f"0770090{i:04d}"), desk)
        for i in range(SLOTS * (THREADS + PROCESSES))
    ]

    results: list[tuple[int, int, list[str]]] = []
    lock = threading.Lock()

    def thread_work(n: int) -> None:
        booked = refused = 0
        errors: list[str] = []
        mine = clients[n * SLOTS : (n + 1) * SLOTS]
        order = list(zip(starts, mine, strict=True))
        order = order[n % SLOTS :] + order[: n % SLOTS]
        for start, client in order:
            try:
                app.bus.handle(
                    BookAppointment(
                        client_id=client, practitioner_id=pid, service_id=service, starts_at=start
                    ),
                    desk,
                )
                booked += 1
            except SlotTaken:
                refused += 1
            except Exception as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
        with lock:
            results.append((booked, refused, errors))

    url = app.db.url.render_as_string(hide_password=False)
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(PROCESSES) as pool:
        pending = [
            pool.apply_async(
                race,
                (
                    url,
                    str(desk.account_id),
                    str(pid),
                    str(service),
                    [str(c) for c in clients[(THREADS + p) * SLOTS : (THREADS + p + 1) * SLOTS]],
                    [s.isoformat() for s in starts],
                    p,
                ),
            )
            for p in range(PROCESSES)
        ]
        threads = [threading.Thread(target=thread_work, args=(n,)) for n in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.extend(p.get(timeout=300) for p in pending)

    errors = [e for _, _, errs in results for e in errs]
    assert errors == []
    assert sum(b for b, _, _ in results) == SLOTS
    assert sum(r for _, r, _ in results) == SLOTS * (THREADS + PROCESSES) - SLOTS
    with app.db.read_sessions() as s:
        booked = s.execute(
            select(Appointment.starts_at, func.count())
            .where(Appointment.status == AppointmentStatus.BOOKED)
            .group_by(Appointment.starts_at)
        ).all()
    assert sorted(b.starts_at for b in booked) == sorted(starts)
    assert all(count == 1 for _, count in booked)


def test_the_same_booking_sent_from_many_threads_at_once_books_once(app: AppContext) -> None:
    service = factories.service(app, "Individual", 60)
    pract, pid = factories.practitioner(app, "Dr Busy", services=(service,), interval_min=60)
    app.bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(WeeklyBlockInput(d, time(8), time(18)) for d in range(7)),
        ),
        pract,
    )
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    client = app.bus.handle(RegisterClient(full_name="Double Click", phone="07700900999"), desk)
    day = (datetime.now(ZoneInfo("Europe/London")) + timedelta(days=3)).date()
    command = BookAppointment(
        command_id=uuid.uuid4(),
        client_id=client,
        practitioner_id=pid,
        service_id=service,
        starts_at=datetime.combine(day, time(9), ZoneInfo("Europe/London")),
    )
    outcomes: list[object] = []
    barrier = threading.Barrier(8)

    def click() -> None:
        barrier.wait()
        try:
            outcomes.append(app.bus.handle(command, desk))
        except Exception as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(not isinstance(o, Exception) for o in outcomes), outcomes
    assert len({o.appointment_id for o in outcomes}) == 1  # type: ignore[attr-defined]
    with app.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1
