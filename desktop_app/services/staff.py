"""Handlers for staff accounts."""

from __future__ import annotations

from sqlalchemy import exists, select

from desktop_app.actor import Actor
from desktop_app.commands import CreateFirstManager, CreateStaffAccount
from desktop_app.errors import Conflict, ValidationError
from desktop_app.events import StaffAccountCreated
from desktop_app.messagebus import Outcome, handles
from desktop_app.passwords import check_password_strength, hash_password
from desktop_app.unit_of_work import UnitOfWork
from desktop_app.validation import normalise_email, require_text
from models import Role, StaffAccount, StaffRole


def _new_account(
    uow: UnitOfWork,
    *,
    email: str,
    name: str,
    password: str,
    roles: frozenset[Role],
    phone: str | None,
) -> StaffAccount:
    email = normalise_email(email)
    name = require_text(name, "name")
    check_password_strength(password)
    if not roles:
        raise ValidationError("Give the account at least one role.")
    taken = uow.session.scalar(select(exists().where(StaffAccount.email == email)))
    if taken:
        raise Conflict(f"There is already an account with the e-mail {email}.")
    account = StaffAccount(
        email=email,
        name=name,
        phone=phone.strip() if phone and phone.strip() else None,
        password_hash=hash_password(password),
        created_at=uow.clock.now(),
        roles=[StaffRole(role=r) for r in sorted(roles)],
    )
    uow.session.add(account)
    uow.session.flush()
    uow.emit(StaffAccountCreated(account.id))
    return account


@handles(CreateFirstManager, system_only=True)
def create_first_manager(uow: UnitOfWork, cmd: CreateFirstManager, actor: Actor) -> Outcome:
    has_manager = uow.session.scalar(select(exists().where(StaffRole.role == Role.MANAGER)))
    if has_manager:
        raise Conflict("This clinic already has a manager; ask them to create your account.")
    account = _new_account(
        uow,
        email=cmd.email,
        name=cmd.name,
        password=cmd.password,
        roles=frozenset({Role.MANAGER}),
        phone=None,
    )
    return Outcome(result=account.id, target=f"staff:{account.id}")


@handles(CreateStaffAccount, roles={Role.MANAGER})
def create_staff_account(uow: UnitOfWork, cmd: CreateStaffAccount, actor: Actor) -> Outcome:
    account = _new_account(
        uow,
        email=cmd.email,
        name=cmd.name,
        password=cmd.password,
        roles=cmd.roles,
        phone=cmd.phone,
    )
    return Outcome(result=account.id, target=f"staff:{account.id}")
