"""Which workstations are connected now: the running apps' heartbeats."""

from __future__ import annotations

from datetime import timedelta

from desktop_app.bootstrap import AppContext
from desktop_app.live import presence
from tests.integration.live.support import wait_until


def test_a_running_app_is_listed_with_its_user_until_it_stops(app: AppContext) -> None:
    live = app.start_live()
    live.set_user("Dana Whitfield")

    def listed() -> list[presence.WorkstationRow]:
        return [
            r
            for r in presence.connected_workstations(app.db, app.clock.now())
            if r.id == app.origin
        ]

    wait_until(lambda: bool(listed()) and listed()[0].user_name == "Dana Whitfield")
    assert listed()[0].name == live.name
    # Not heard from for a while: no longer connected now.
    later = app.clock.now() + presence.CONNECTED_WITHIN + timedelta(seconds=1)
    assert all(r.id != app.origin for r in presence.connected_workstations(app.db, later))
    app.stop_live()
    assert listed() == []
