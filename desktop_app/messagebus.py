"""The one entry point for changes.

`MessageBus.handle(command, actor)` checks the actor's permission, runs the
command's handler in one unit of work, appends the audit entry in the same
transaction, commits, and only then publishes the events the handler raised.
Handlers register themselves with `@handles(...)`, next to the code they run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from desktop_app.actor import Actor
from desktop_app.audit_log import append as append_audit
from desktop_app.clock import Clock, SystemClock
from desktop_app.commands import Command
from desktop_app.database import Database
from desktop_app.errors import PermissionDenied
from desktop_app.events import Event
from desktop_app.unit_of_work import UnitOfWork
from models.enums import Role

log = logging.getLogger(__name__)

C = TypeVar("C", bound=Command)
Handler = Callable[[UnitOfWork, Any, Actor], Any]


@dataclass(frozen=True)
class HandlerSpec:
    handler: Handler
    # Roles allowed to issue the command; the system actor always may.
    roles: frozenset[Role]
    # Only the system actor (command line, scheduler) may issue it.
    system_only: bool = False


_HANDLERS: dict[type[Command], HandlerSpec] = {}


def handles(
    command_type: type[C],
    *,
    roles: frozenset[Role] | set[Role] = frozenset(),
    system_only: bool = False,
) -> Callable[[Callable[[UnitOfWork, C, Actor], Any]], Callable[[UnitOfWork, C, Actor], Any]]:
    def register(
        fn: Callable[[UnitOfWork, C, Actor], Any],
    ) -> Callable[[UnitOfWork, C, Actor], Any]:
        if command_type in _HANDLERS:
            raise RuntimeError(f"{command_type.__name__} already has a handler")
        _HANDLERS[command_type] = HandlerSpec(fn, frozenset(roles), system_only)
        return fn

    return register


def registered_handlers() -> dict[type[Command], HandlerSpec]:
    import desktop_app.services  # noqa: F401  (registers every handler)

    return dict(_HANDLERS)


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
    def __init__(self, db: Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or SystemClock()
        self._handlers = registered_handlers()
        self._subscribers: dict[type[Event], list[Callable[[Event], None]]] = defaultdict(list)
        self._any_subscribers: list[Callable[[Event], None]] = []

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
            changes = command.audit_fields()
            if outcome.changes:
                changes = {**changes, **outcome.changes}
            append_audit(
                uow.session,
                at=self.clock.now(),
                actor_id=actor.account_id,
                workstation=actor.workstation,
                command=command.kind(),
                target=outcome.target,
                changes=changes,
            )
            uow.commit()
            events = list(uow.events)
        self._publish(events)
        return outcome.result

    def _publish(self, events: list[Event]) -> None:
        for event in events:
            for fn in [*self._subscribers.get(type(event), []), *self._any_subscribers]:
                try:
                    fn(event)
                except Exception:
                    # The change is committed; a failing listener must not
                    # make the caller believe otherwise.
                    log.exception("event listener failed on %s", type(event).__name__)
