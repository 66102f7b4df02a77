"""Domain events to JSON and back, for the change feed.

Events are frozen dataclasses of UUIDs, strings, numbers, dates and tuples of
those. The codec knows the event types it is given (the composition root
lists them); nothing registers itself on import. An event type another,
newer, workstation wrote and this one does not know is skipped by the reader.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any

from desktop_app.kernel.events import Event

TYPE_KEY = "type"


class UnknownEvent(LookupError):
    pass


class EventCodec:
    def __init__(self, event_types: Iterable[type[Event]]) -> None:
        self._types: dict[str, type[Event]] = {}
        self._hints: dict[type[Event], dict[str, Any]] = {}
        for cls in event_types:
            name = cls.__name__
            if name in self._types and self._types[name] is not cls:
                raise RuntimeError(f"two event types are called {name}")
            self._types[name] = cls
            self._hints[cls] = typing.get_type_hints(cls)

    def knows(self, cls: type[Event]) -> bool:
        return cls in self._hints

    def encode(self, event: Event) -> dict[str, Any]:
        cls = type(event)
        if cls not in self._hints:
            raise UnknownEvent(f"{cls.__name__} is not a known event type")
        out: dict[str, Any] = {TYPE_KEY: cls.__name__}
        for f in dataclasses.fields(event):
            out[f.name] = _to_json(getattr(event, f.name))
        return out

    def decode(self, data: dict[str, Any]) -> Event:
        name = data.get(TYPE_KEY)
        cls = self._types.get(str(name))
        if cls is None:
            raise UnknownEvent(f"unknown event type {name!r}")
        hints = self._hints[cls]
        kwargs = {
            f.name: _from_json(data[f.name], hints[f.name])
            for f in dataclasses.fields(cls)
            if f.name in data
        }
        return cls(**kwargs)


def _to_json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset):
        return [_to_json(v) for v in value]
    raise TypeError(f"cannot put {type(value).__name__} in the change feed")


def _from_json(value: Any, hint: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _from_json(value, options[0]) if len(options) == 1 else value
    if origin in (tuple, frozenset, list):
        args = typing.get_args(hint)
        item = args[0] if args else Any
        items = [_from_json(v, item) for v in value]
        return origin(items)
    if hint is uuid.UUID:
        return uuid.UUID(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    return value
