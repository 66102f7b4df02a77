"""Events: facts published after a command's transaction has committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class StaffAccountCreated(Event):
    account_id: uuid.UUID


@dataclass(frozen=True)
class ClinicSettingsChanged(Event):
    keys: tuple[str, ...]


@dataclass(frozen=True)
class DemoClinicSeeded(Event):
    size: str
