"""The demo commands: plain data, handled in desktop_app.demo.handlers."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.kernel.commands import Command


@dataclass(frozen=True, kw_only=True)
class SeedDemoClinic(Command):
    size: str
    seed: int
