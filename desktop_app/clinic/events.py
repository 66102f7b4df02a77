"""What the clinic handlers announce once their transaction has committed."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.kernel.events import Event


@dataclass(frozen=True)
class ClinicSettingsChanged(Event):
    keys: tuple[str, ...]
