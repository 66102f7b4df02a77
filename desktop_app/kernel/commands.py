"""Commands: every change to the clinic's data is one of these small records.

Being plain data is what makes the audit log, the offline queue and replay
possible. A field marked `secret` never reaches the audit log. Each domain
declares its own commands in its `commands` module."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from typing import Any


def secret(**kwargs: Any) -> Any:
    """A field left out of the audit log (passwords and the like)."""
    return field(repr=False, metadata={"secret": True}, **kwargs)


@dataclass(frozen=True, kw_only=True)
class Command:
    # Made where the command is issued, so a retried command is recognisable.
    command_id: uuid.UUID = field(default_factory=uuid.uuid4)

    @classmethod
    def kind(cls) -> str:
        return cls.__name__

    def audit_fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.metadata.get("secret") or f.name == "command_id":
                continue
            out[f.name] = to_jsonable(getattr(self, f.name))
        return out


def to_jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [to_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    return value
