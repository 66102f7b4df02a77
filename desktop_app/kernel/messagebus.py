"""The one entry point for changes.

`MessageBus.handle(command, actor)` checks the actor's permission, runs the
command's handler in one unit of work, appends the audit entry and the change
feed's row (the events, for other workstations) in the same transaction,
commits, and only then publishes the events the handler raised. Events other
workstations raised arrive through `publish_remote` to the same subscribers.
The table of handlers is handed to it by the composition root
(`desktop_app.bootstrap`), which puts the domains' tables together.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from desktop_app.audit.log import append as append_audit
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import Clock, SystemClock
from desktop_app.kernel.commands import Command
from desktop_app.kernel.errors import PermissionDenied
from desktop_app.kernel.events import Event
from desktop_app.kernel.unit_of_work import UnitOfWork
from models.enums import Role

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Command)
Handler = Callable[[UnitOfWork, Any, Actor], Any]


@dataclass(frozen=True)
class HandlerSpec:
    handler: Handler
    # Roles allowed to issue the command; the system actor always may.
    roles: frozenset[Role] = frozenset()
    # Only the system actor (command line, scheduler) may issue it.
    system_only: bool = False


# Every command type the bus knows, with its handler and who may issue it. The
# composition root builds the one table; nothing registers itself on import.
HandlerTable = dict[type[Command], HandlerSpec]


class ChangeRecorder(Protocol):
    """Writes the command's entry in the change feed, inside its transaction."""

    # The running app whose bus this is, as the feed names it.
    @property
    def origin(self) -> uuid.UUID: ...

    def record(
        self,
        session: Session,
        *,
        at: datetime,
        command: Command,
        actor: Actor,
        events: Sequence[Event],
    ) -> int: ...


@dataclass(frozen=True)
class Outcome:
    """What a handler returns: a result for the caller and the audit target."""

    result: Any = None
    target: str | None = None
    changes: dict[str, Any] | None = None
    # The command had already been carried out (a retry or a replay): nothing
    # is written, audited or published again.
    no_change: bool = False


class MessageBus:
    def __init__(
        self,
        db: Database,
        handlers: HandlerTable,
        clock: Clock | None = None,
        recorder: ChangeRecorder | None = None,
    ) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self._handlers = dict(handlers)
        # The change feed other workstations read; None: this bus announces nothing.
        self.recorder = recorder
        self._subscribers: dict[type[Event], list[Callable[[Event], None]]] = defaultdict(list)
        self._any_subscribers: list[Callable[[Event], None]] = []

    def command_types(self) -> frozenset[type[Command]]:
        return frozenset(self._handlers)

    def subscribe(self, event_type: type[Event], fn: Callable[[Event], None]) -> None:
        self._subscribers[event_type].append(fn)

    def subscribe_all(self, fn: Callable[[Event], None]) -> None:
        self._any_subscribers.append(fn)

    def may(self, actor: Actor, command_type: type[Command]) -> bool:
        spec = self._handlers.get(command_type)
        if spec is None:
            return False
        if actor.is_system:
            return True
        return not spec.system_only and actor.has_any(spec.roles)

    def handle(self, command: Command, actor: Actor) -> Any:
        spec = self._handlers.get(type(command))
        if spec is None:
            raise LookupError(f"no handler for {command.kind()}")
        if not self.may(actor, type(command)):
            raise PermissionDenied(f"{actor.name} may not do this ({command.kind()}).")
        with UnitOfWork(self.db, self.clock) as uow:
            outcome = spec.handler(uow, command, actor)
            if not isinstance(outcome, Outcome):
                outcome = Outcome(result=outcome)
            if outcome.no_change:
                return outcome.result
            uow.session.flush()
            at = self.clock.now()
            changes = command.audit_fields()
            if outcome.changes:
                changes = {**changes, **outcome.changes}
            append_audit(
                uow.session,
                at=at,
                actor_id=actor.account_id,
                workstation=actor.workstation,
                command=command.kind(),
                target=outcome.target,
                changes=changes,
            )
            if self.recorder is not None:
                self.recorder.record(
                    uow.session, at=at, command=command, actor=actor, events=uow.events
                )
            uow.commit()
            events = list(uow.events)
        self._publish(events)
        return outcome.result

    def publish_remote(self, events: Sequence[Event]) -> None:
        """Events another workstation's commands raised, read from the change feed:
        delivered to this bus's subscribers exactly as its own."""
        self._publish(list(events))

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            for fn in [*self._subscribers.get(type(event), []), *self._any_subscribers]:
                try:
                    fn(event)
                except Exception:
                    # The change is committed; a failing listener must not
                    # make the caller believe otherwise.
                    log.exception("event listener failed on %s", type(event).__name__)
