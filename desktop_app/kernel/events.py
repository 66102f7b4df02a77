"""Events: facts published after a command's transaction has committed.

Each domain declares its own events in its `events` module."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    pass
