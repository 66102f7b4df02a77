"""A command commits whole with its audit entry, or changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from desktop_app.audit import queries as audit_queries
from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.errors import Conflict, PermissionDenied, ValidationError
from desktop_app.kernel.events import Event
from desktop_app.kernel.messagebus import HandlerSpec, MessageBus
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.commands import CreateFirstManager, CreateStaffAccount
from desktop_app.staff.events import StaffAccountCreated
from models import AuditEntry, Role, StaffAccount


def _count(app: AppContext, model: type) -> int:
    with app.db.read_sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _manager(app: AppContext) -> Actor:
    app.bus.handle(
        CreateFirstManager(email="boss@clinic.test", name="Bo Manager", password="s3cret-pass"),
        Actor.system(),
    )
    from desktop_app.staff.auth import login

    return login(app.db, "boss@clinic.test", "s3cret-pass")


def test_command_commits_with_audit_entry_and_publishes_after_commit(app: AppContext) -> None:
    seen: list[tuple[Event, int]] = []
    app.bus.subscribe(StaffAccountCreated, lambda e: seen.append((e, _count(app, StaffAccount))))

    manager = _manager(app)
    new_id = app.bus.handle(
        CreateStaffAccount(
            email="Desk@Clinic.test",
            name="Dee Desk",
            roles=frozenset({Role.FRONT_DESK}),
            password="another-pass",
        ),
        manager,
    )

    rows = {r.email: r for r in staff_queries.staff_accounts(app.db)}
    assert rows["desk@clinic.test"].id == new_id
    assert rows["desk@clinic.test"].roles == {Role.FRONT_DESK}
    # The listener ran after the commit: it already saw both accounts stored.
    assert [count for _, count in seen] == [1, 2]
    audit = audit_queries.recent_audit(app.db)
    assert [a.command for a in audit] == ["CreateStaffAccount", "LoggedIn", "CreateFirstManager"]
    assert audit[0].actor_name == "Bo Manager"


def test_audit_never_contains_the_password(app: AppContext) -> None:
    _manager(app)
    with app.db.read_sessions() as s:
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.command == "CreateFirstManager")
        ).one()
    assert "password" not in entry.changes
    assert "s3cret-pass" not in str(entry.changes)


def test_failing_command_changes_nothing(app: AppContext) -> None:
    manager = _manager(app)
    before = (_count(app, StaffAccount), _count(app, AuditEntry))

    with pytest.raises(Conflict):
        app.bus.handle(
            CreateStaffAccount(
                email="BOSS@clinic.test",
                name="Impostor",
                roles=frozenset({Role.MANAGER}),
                password="whatever-123",
            ),
            manager,
        )
    with pytest.raises(ValidationError):
        app.bus.handle(
            CreateStaffAccount(
                email="not-an-email", name="X", roles=frozenset({Role.MANAGER}), password="x" * 9
            ),
            manager,
        )
    assert (_count(app, StaffAccount), _count(app, AuditEntry)) == before


class _Boom(Exception):
    pass


@dataclass(frozen=True, kw_only=True)
class _WriteThenFail(Command):
    """Stands for any handler that dies after it has written something."""


def test_crash_half_way_through_a_handler_leaves_nothing(app: AppContext) -> None:
    def handler(uow: UnitOfWork, cmd: _WriteThenFail, actor: Actor) -> None:
        uow.session.add(
            StaffAccount(email="half@clinic.test", name="Half", password_hash="not-a-hash")
        )
        uow.session.flush()
        raise _Boom("power cut")

    bus = MessageBus(app.db, {_WriteThenFail: HandlerSpec(handler)}, app.clock)
    with pytest.raises(_Boom):
        bus.handle(_WriteThenFail(), Actor.system())
    assert _count(app, StaffAccount) == 0
    assert _count(app, AuditEntry) == 0


def test_permission_is_checked_in_the_core(app: AppContext) -> None:
    manager = _manager(app)
    app.bus.handle(
        CreateStaffAccount(
            email="desk@clinic.test",
            name="Dee",
            roles=frozenset({Role.FRONT_DESK}),
            password="p" * 10,
        ),
        manager,
    )
    from desktop_app.staff.auth import login

    desk = login(app.db, "desk@clinic.test", "p" * 10)
    with pytest.raises(PermissionDenied):
        app.bus.handle(
            CreateStaffAccount(
                email="x@clinic.test", name="X", roles=frozenset({Role.MANAGER}), password="p" * 10
            ),
            desk,
        )
    # Only the system (first-run wizard, command line) creates the first manager.
    with pytest.raises(PermissionDenied):
        app.bus.handle(
            CreateFirstManager(email="y@clinic.test", name="Y", password="p" * 10), manager
        )
    assert _count(app, StaffAccount) == 2


def test_first_manager_only_once(app: AppContext) -> None:
    _manager(app)
    with pytest.raises(Conflict, match="already has a manager"):
        app.bus.handle(
            CreateFirstManager(email="second@clinic.test", name="Second", password="p" * 10),
            Actor.system(),
        )
