"""Two workstations, two processes, one database: each sees the other's changes.

The other desk runs in a spawned process (tests/live_worker.py) and records
every event its own bus published; this process's live feed must deliver
exactly those, in the same order, once each, and never its own changes back.
"""

from __future__ import annotations

import multiprocessing
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.bootstrap import AppContext, event_codec
from desktop_app.clients.commands import RegisterClient
from desktop_app.kernel.events import Event
from desktop_app.live.status import LinkState
from models import Role
from tests import factories
from tests.integration.live.support import feed_end, wait_until
from tests.live_worker import commit_clients, desk_session


def _collect(app: AppContext) -> list[dict[str, Any]]:
    codec = event_codec()
    received: list[dict[str, Any]] = []

    def keep(event: Event) -> None:
        received.append(codec.encode(event))

    app.bus.subscribe_all(keep)
    return received


def _run_elsewhere(fn: Any, *args: Any) -> Any:
    spawn = multiprocessing.get_context("spawn")
    with spawn.Pool(1) as pool:
        return pool.apply_async(fn, args).get(timeout=120)


def test_the_other_desks_changes_arrive_in_order_exactly_once(app: AppContext) -> None:
    service = factories.service(app, "Individual", 60)
    pract, pid = factories.practitioner(app, "Dr Live", services=(service,), interval_min=60)
    app.bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(WeeklyBlockInput(d, time(8), time(18)) for d in range(7)),
        ),
        pract,
    )
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    client = factories.client(app)
    tz = ZoneInfo("Europe/London")
    now = datetime.now(tz)
    # The client at the desk now, to check in; the bookings are next week.
    arrived = factories.appointment(app, pid, service, now, now + timedelta(minutes=60))
    day = (now + timedelta(days=7)).date()
    first, second = datetime.combine(day, time(10), tz), datetime.combine(day, time(12), tz)

    live = app.start_live()
    wait_until(lambda: live.status.value.state is LinkState.CONNECTED, what="connected")
    received = _collect(app)

    published = _run_elsewhere(
        desk_session,
        app.db.url.render_as_string(hide_password=False),
        str(desk.account_id),
        str(pract.account_id),
        str(pid),
        str(service),
        str(client),
        str(arrived),
        [first.isoformat(), second.isoformat()],
    )
    kinds = [e["type"] for e in published]
    assert "AppointmentChanged" in kinds and "AvailabilityChanged" in kinds
    wait_until(lambda: len(received) >= len(published), what="the other desk's events")

    # A change of this workstation's own reaches its subscribers once, from its
    # own bus, and is not delivered again by the feed; by the time the feed has
    # passed it, anything delivered twice would have shown.
    app.bus.handle(RegisterClient(full_name="Local Person", phone="07700900123"), desk)
    end = feed_end(app)
    wait_until(lambda: live.position >= end, what="the feed to pass the local change")
    assert received[: len(published)] == published
    assert [e["type"] for e in received[len(published) :]] == ["ClientChanged"]


def test_a_workstation_that_slept_catches_up_from_the_feed(app: AppContext) -> None:
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    live = app.start_live()
    wait_until(lambda: live.status.value.state is LinkState.CONNECTED, what="connected")
    received = _collect(app)
    live.stop()  # asleep: nothing is listening
    last = _run_elsewhere(
        commit_clients, app.db.url.render_as_string(hide_password=False), str(desk.account_id), 5
    )
    assert received == []
    app.start_live()  # awake again
    wait_until(lambda: live.position >= last, what="catch-up")
    assert [e["type"] for e in received] == ["ClientChanged"] * 5
    assert live.delivered == 5
