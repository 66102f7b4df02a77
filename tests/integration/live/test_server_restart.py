"""The PostgreSQL server restarts under a running workstation: it reconnects by itself,
says so, and catches up with what was committed meanwhile."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL, make_url

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.events import Event
from desktop_app.live.status import LinkState, LinkStatus
from models import Role
from tests import factories
from tests.integration.live.support import feed_end, wait_until


class RestartableServer:
    """A throwaway PostgreSQL server of this test's own, which it may stop and start."""

    def __init__(self) -> None:
        import pgserver

        self.dir = Path(tempfile.mkdtemp(prefix="clinicdesk-pg-restart-"))
        self.server: Any = pgserver.get_server(self.dir, cleanup_mode="delete")
        self.url: URL = make_url(self.server.get_uri()).set(drivername="postgresql+psycopg")

    def stop(self) -> None:
        from pgserver import _commands

        _commands.pg_ctl(  # type: ignore[attr-defined]
            ["-w", "-m", "fast", "stop"], pgdata=self.dir, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()
        assert make_url(self.server.get_uri()).set(drivername="postgresql+psycopg") == self.url

    def cleanup(self) -> None:
        self.server.cleanup()


@pytest.fixture
def restartable() -> Iterator[RestartableServer]:
    server = RestartableServer()
    try:
        yield server
    finally:
        server.cleanup()


def test_the_listener_reconnects_after_a_restart_and_catches_up(
    restartable: RestartableServer,
) -> None:
    here = open_app(DatabaseChoice(restartable.url, "test"))
    other: AppContext | None = None
    try:
        desk = factories.staff(here, "Desk", Role.FRONT_DESK)
        live = here.start_live()
        states: list[LinkStatus] = []
        live.status.subscribe(states.append)
        received: list[Event] = []
        here.bus.subscribe_all(received.append)
        wait_until(lambda: live.status.value.state is LinkState.CONNECTED, what="connected")

        restartable.stop()
        wait_until(lambda: live.status.value.state is LinkState.RECONNECTING, what="reconnecting")
        assert live.status.value.reason
        restartable.start()
        # The other desk commits as soon as the server is back, perhaps before the
        # listener is: whichever way (catch-up or announcement), each arrives once.
        other = open_app(DatabaseChoice(restartable.url, "test"), migrate=False)
        for n in range(3):
            other.bus.handle(RegisterClient(full_name=f"After {n}", phone=f"0770090{n:04d}"), desk)
        end = feed_end(other)
        wait_until(lambda: live.position >= end, what="catch-up after the restart")
        wait_until(lambda: live.status.value.state is LinkState.BACK, what="back")
        assert len(received) == 3
        seen = [s.state for s in states]
        assert seen[seen.index(LinkState.RECONNECTING) :][-1] is LinkState.BACK
        # And it stays live: a later change arrives by announcement.
        other.bus.handle(RegisterClient(full_name="Later", phone="07700900777"), desk)
        wait_until(lambda: len(received) == 4, what="a change after the restart")
        # The app's own engine reconnects too.
        here.bus.handle(RegisterClient(full_name="Here", phone="07700900778"), desk)
    finally:
        if other is not None:
            other.close()
        here.close()
