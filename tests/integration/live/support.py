"""Waiting on the live feed without sleeping."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import func, select

from desktop_app.bootstrap import AppContext
from models import ChangeEntry


def wait_until(condition: Callable[[], bool], timeout_s: float = 20.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.01)


def feed_end(app: AppContext) -> int:
    with app.db.read_sessions() as s:
        return s.execute(select(func.max(ChangeEntry.position))).scalar() or 0
