"""The change feed is written in the command's own transaction (DESIGN §5, §9)."""

from __future__ import annotations

import importlib
import pkgutil
import uuid

import psycopg
import pytest
from sqlalchemy import func, select

import desktop_app
from desktop_app.bootstrap import EVENT_TYPES, AppContext, event_codec
from desktop_app.clients.commands import RegisterClient
from desktop_app.clients.events import ClientChanged
from desktop_app.credits.events import CreditsChanged
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.events import Event
from desktop_app.live.feed import CHANNEL
from desktop_app.staff.events import PractitionerChanged
from models import ChangeEntry, Role
from tests import factories
from tests.integration.live.support import feed_end


def _all_event_types() -> set[type[Event]]:
    for info in pkgutil.walk_packages(desktop_app.__path__, "desktop_app."):
        if info.name.endswith(".events"):
            importlib.import_module(info.name)
    found: set[type[Event]] = set()
    todo = list(Event.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_the_feed_knows_every_domain_event() -> None:
    assert _all_event_types() == set(EVENT_TYPES)


def test_events_survive_the_round_trip() -> None:
    codec = event_codec()
    a, b = uuid.uuid4(), uuid.uuid4()
    for event in (
        ClientChanged(a),
        CreditsChanged((a, b)),
        PractitionerChanged(a, "approved"),
    ):
        assert codec.decode(codec.encode(event)) == event


def test_each_committed_command_writes_one_row_with_its_events(app: AppContext) -> None:
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    before = feed_end(app)
    client = app.bus.handle(RegisterClient(full_name="Ann Feed", phone="07700900001"), desk)
    app.bus.handle(RegisterClient(full_name="Bob Feed", phone="07700900002"), desk)
    with app.db.read_sessions() as s:
        rows = s.scalars(
            select(ChangeEntry).where(ChangeEntry.position > before).order_by(ChangeEntry.position)
        ).all()
    assert [r.position for r in rows] == [before + 1, before + 2]
    assert [r.command for r in rows] == ["RegisterClient", "RegisterClient"]
    assert rows[0].origin == app.origin
    assert rows[0].actor_id == desk.account_id
    assert event_codec().decode(rows[0].events[0]) == ClientChanged(client)


def test_a_rolled_back_command_writes_and_announces_nothing(app: AppContext) -> None:
    desk = factories.staff(app, "Desk", Role.FRONT_DESK)
    listener = None
    if app.db.dialect == "postgresql":
        conninfo = app.db.url.set(drivername="postgresql").render_as_string(hide_password=False)
        listener = psycopg.connect(conninfo, autocommit=True)
        listener.execute(f"LISTEN {CHANNEL}")
    try:
        with app.db.read_sessions() as s:
            rows_before = s.execute(select(func.count()).select_from(ChangeEntry)).scalar()
        with pytest.raises(ValidationError):
            app.bus.handle(RegisterClient(full_name="", phone="07700900003"), desk)
        with app.db.read_sessions() as s:
            assert s.execute(select(func.count()).select_from(ChangeEntry)).scalar() == rows_before
        app.bus.handle(RegisterClient(full_name="Cy Feed", phone="07700900004"), desk)
        if listener is not None:
            # The first announcement is the committed command's: none came before it.
            payloads = [n.payload for n in listener.notifies(timeout=10, stop_after=1)]
            assert payloads == [str(feed_end(app))]
    finally:
        if listener is not None:
            listener.close()
