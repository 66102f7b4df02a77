"""Many desks spend a client's last credit at once: exactly one booking gets it.

8 threads in this process and 2 other processes each book a different
practitioner's slot for the same client, paid with credits, on SQLite and on
PostgreSQL. Different practitioners, so nothing but the client's credit lock
(and the ledger trigger behind it) stands between them.
"""

from __future__ import annotations

import multiprocessing
import threading
import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, insert, select

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment, CancelAppointment, PaymentChoice
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.credits.commands import AdjustCredits, ExpireCredits
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.infra.config import DatabaseChoice, parse_database_url
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor, workstation_name
from models import Appointment, CreditEntry, CreditEntryKind, Role, Service
from tests import factories

THREADS = 8
PROCESSES = 2
LONDON = ZoneInfo("Europe/London")
_WAIT = 120  # seconds; a hung worker fails the test instead of hanging it


def _outcome(book: Any) -> str:
    try:
        book()
    except NotEnoughCredits as exc:
        return f"refused: {exc}"
    except Exception as exc:  # reported to the test, which fails on any
        return f"error: {type(exc).__name__}: {exc}"
    return "booked"


def book_in_process(
    url: str,
    desk_id: str,
    command: dict[str, str],
    ready: Any,
    go: Any,
    results: Any,
) -> None:
    """A desk on another workstation: ready, wait for the signal, book."""
    ctx = open_app(DatabaseChoice(parse_database_url(url), "stress"), migrate=False)
    desk = Actor(uuid.UUID(desk_id), "Desk", frozenset({Role.FRONT_DESK}), workstation_name())
    booking = BookAppointment(
        client_id=uuid.UUID(command["client"]),
        practitioner_id=uuid.UUID(command["practitioner"]),
        service_id=uuid.UUID(command["service"]),
        starts_at=datetime.fromisoformat(command["starts_at"]),
        payment=PaymentChoice.CREDITS,
    )
    try:
        ready.put("ready")
        go.wait(_WAIT)
        results.put(_outcome(lambda: ctx.bus.handle(booking, desk)))
    finally:
        ctx.close()


def _clinic(app: AppContext, practitioners: int) -> tuple[Actor, uuid.UUID, uuid.UUID, list[Any]]:
    """A client with one credit, and `practitioners` open ones to book."""
    with app.db.write_sessions.begin() as s:
        service = Service(name="Individual", duration_min=60, price_cents=6000, price_credits=1)
        s.add(service)
        s.flush()
        service_id = service.id
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    client = app.bus.handle(RegisterClient(full_name="Last Credit", phone="07700900111"), desk)
    app.bus.handle(AdjustCredits(client_id=client, amount=1, reason="the last one"), Actor.system())
    pids = []
    for n in range(practitioners):
        pract, pid = factories.practitioner(app, f"Dr {n}", services=(service_id,), interval_min=60)
        app.bus.handle(
            SetWeeklyRules(
                practitioner_id=pid,
                blocks=tuple(WeeklyBlockInput(d, time(8), time(18)) for d in range(7)),
            ),
            pract,
        )
        pids.append(pid)
    return desk, client, service_id, pids


@pytest.mark.slow
def test_threads_and_processes_race_for_the_last_credit(app: AppContext) -> None:
    desk, client, service, pids = _clinic(app, THREADS + PROCESSES)
    day = (datetime.now(LONDON) + timedelta(days=7)).date()
    starts_at = datetime.combine(day, time(10), LONDON)

    spawn = multiprocessing.get_context("spawn")
    ready, results, go = spawn.Queue(), spawn.Queue(), spawn.Event()
    url = app.db.url.render_as_string(hide_password=False)
    processes = [
        spawn.Process(
            target=book_in_process,
            args=(
                url,
                str(desk.account_id),
                {
                    "client": str(client),
                    "practitioner": str(pid),
                    "service": str(service),
                    "starts_at": starts_at.isoformat(),
                },
                ready,
                go,
                results,
            ),
        )
        for pid in pids[THREADS:]
    ]
    for p in processes:
        p.start()
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS + 1)

    def desk_thread(pid: uuid.UUID) -> None:
        command = BookAppointment(
            client_id=client,
            practitioner_id=pid,
            service_id=service,
            starts_at=starts_at,
            payment=PaymentChoice.CREDITS,
        )
        barrier.wait(_WAIT)
        outcome = _outcome(lambda: app.bus.handle(command, desk))
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=desk_thread, args=(pid,)) for pid in pids[:THREADS]]
    for t in threads:
        t.start()
    try:
        for _ in processes:
            assert ready.get(timeout=_WAIT) == "ready"
        # Everyone is waiting: let them all go at once.
        go.set()
        barrier.wait(_WAIT)
        for t in threads:
            t.join(_WAIT)
        outcomes.extend(results.get(timeout=_WAIT) for _ in processes)
    finally:
        go.set()
        for p in processes:
            p.join(_WAIT)

    assert [o for o in outcomes if o.startswith("error")] == []
    assert outcomes.count("booked") == 1
    refusals = [o for o in outcomes if o.startswith("refused")]
    assert len(refusals) == THREADS + PROCESSES - 1
    assert all("Not enough credits" in r for r in refusals)
    with app.db.read_sessions() as s:
        assert s.scalar(select(func.count()).select_from(Appointment)) == 1
        balance = s.scalar(
            select(func.sum(CreditEntry.amount)).where(CreditEntry.client_id == client)
        )
    assert balance == 0
    assert [f for f in run_checks(app.db) if not f.ok] == []


def test_the_trigger_alone_lets_one_of_two_raw_inserts_take_the_last_credit(
    app: AppContext,
) -> None:
    """Code that skips the service and its lock still cannot overdraw."""
    _, client, _, _ = _clinic(app, 0)
    with app.db.read_sessions() as s:
        lot = s.scalars(select(CreditEntry.id).where(CreditEntry.client_id == client)).one()
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def spend() -> None:
        barrier.wait(_WAIT)
        try:
            with app.db.write_sessions() as s, s.begin():
                s.execute(
                    insert(CreditEntry),
                    [
                        {
                            "client_id": client,
                            "kind": CreditEntryKind.ADJUSTMENT,
                            "amount": -1,
                            "reason": "raw",
                            "lot_id": lot,
                            "created_at": datetime.now(LONDON),
                        }
                    ],
                )
            outcomes.append("spent")
        except Exception as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(_WAIT)
    assert outcomes.count("spent") == 1
    assert all("not enough credits" in o for o in outcomes if o != "spent")


def test_many_desks_cancelling_or_expiring_at_once_do_it_once(app: AppContext) -> None:
    desk, client, service, pids = _clinic(app, 1)
    starts_at = datetime.combine(
        (datetime.now(LONDON) + timedelta(days=7)).date(), time(10), LONDON
    )
    booked = app.bus.handle(
        BookAppointment(
            client_id=client,
            practitioner_id=pids[0],
            service_id=service,
            starts_at=starts_at,
            payment=PaymentChoice.CREDITS,
        ),
        desk,
    )
    barrier = threading.Barrier(6)
    returned: list[int] = []

    def cancel() -> None:
        barrier.wait(_WAIT)
        result = app.bus.handle(
            CancelAppointment(appointment_id=booked.appointment_id, reason="ill"), desk
        )
        returned.append(result.credits_returned)

    threads = [threading.Thread(target=cancel) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(_WAIT)
    assert sorted(returned) == [0, 0, 0, 0, 0, 1]

    # Every workstation's scheduler runs the expiry job at the same moment.
    app.bus.handle(
        AdjustCredits(
            client_id=client,
            amount=3,
            reason="trial",
            expires_at=datetime.now(LONDON) + timedelta(days=1),
        ),
        Actor.system(),
    )
    later = datetime.now(LONDON) + timedelta(days=2)
    expired: list[int] = []

    def expire() -> None:
        barrier.wait(_WAIT)
        expired.append(app.bus.handle(ExpireCredits(now=later), Actor.system()).credits)

    threads = [threading.Thread(target=expire) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(_WAIT)
    assert sorted(expired) == [0, 0, 0, 0, 0, 3]
    with app.db.read_sessions() as s:
        balance = s.scalar(
            select(func.sum(CreditEntry.amount)).where(CreditEntry.client_id == client)
        )
    assert balance == 1
    assert [f for f in run_checks(app.db) if not f.ok] == []
