"""The clinic commands: plain data, handled in desktop_app.clinic.handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop_app.kernel.commands import Command


@dataclass(frozen=True, kw_only=True)
class UpdateClinicSettings(Command):
    values: dict[str, Any]
