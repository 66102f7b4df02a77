"""Handlers for staff accounts."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import Conflict, NotFound, PermissionDenied, ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import normalise_email, require_text
from desktop_app.staff.commands import (
    ChangePassword,
    CreateFirstManager,
    CreateStaffAccount,
    DeactivateAccount,
    ReactivateAccount,
    ResetPassword,
    SetPhoto,
    UpdateStaffAccount,
)
from desktop_app.staff.events import StaffAccountChanged, StaffAccountCreated
from desktop_app.staff.passwords import check_password_strength, hash_password, verify_password
from desktop_app.staff.uploads import check_photo
from models import (
    Practitioner,
    PractitionerDecision,
    PractitionerStatus,
    Role,
    ScheduleSettings,
    StaffAccount,
    StaffRole,
)

EVERYONE = frozenset(Role)


def new_account(
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


def create_first_manager(uow: UnitOfWork, cmd: CreateFirstManager, actor: Actor) -> Outcome:
    has_manager = uow.session.scalar(select(exists().where(StaffRole.role == Role.MANAGER)))
    if has_manager:
        raise Conflict("This clinic already has a manager; ask them to create your account.")
    account = new_account(
        uow,
        email=cmd.email,
        name=cmd.name,
        password=cmd.password,
        roles=frozenset({Role.MANAGER}),
        phone=None,
    )
    return Outcome(result=account.id, target=f"staff:{account.id}")


def _ensure_practitioner(uow: UnitOfWork, account: StaffAccount, actor: Actor) -> None:
    """A manager who gives someone the practitioner role vouches for them: the
    practitioner record is made and approved in the same transaction, so the
    role takes effect (applicants go through SubmitApplication instead)."""
    exists_already = uow.session.scalar(
        select(Practitioner.id).where(Practitioner.account_id == account.id)
    )
    if exists_already is not None:
        return
    p = Practitioner(account_id=account.id, profession="Practitioner")
    uow.session.add(p)
    uow.session.flush()
    uow.session.add(ScheduleSettings(practitioner_id=p.id))
    uow.session.add(
        PractitionerDecision(
            practitioner_id=p.id,
            seq=1,
            status=PractitionerStatus.APPROVED,
            decided_by_id=actor.account_id,
            decided_at=uow.clock.now(),
            reason="account created by a manager",
        )
    )


def create_staff_account(uow: UnitOfWork, cmd: CreateStaffAccount, actor: Actor) -> Outcome:
    account = new_account(
        uow,
        email=cmd.email,
        name=cmd.name,
        password=cmd.password,
        roles=cmd.roles,
        phone=cmd.phone,
    )
    if Role.PRACTITIONER in cmd.roles:
        _ensure_practitioner(uow, account, actor)
    return Outcome(result=account.id, target=f"staff:{account.id}")


def _account(uow: UnitOfWork, account_id: uuid.UUID) -> StaffAccount:
    account = uow.session.get(StaffAccount, account_id)
    if account is None:
        raise NotFound("That staff account does not exist.")
    return account


def _other_active_managers(uow: UnitOfWork, account_id: uuid.UUID) -> int:
    return len(
        uow.session.scalars(
            select(StaffAccount.id)
            .join(StaffRole, StaffRole.account_id == StaffAccount.id)
            .where(
                StaffRole.role == Role.MANAGER,
                StaffAccount.is_active.is_(True),
                StaffAccount.id != account_id,
            )
        ).all()
    )


def update_staff_account(uow: UnitOfWork, cmd: UpdateStaffAccount, actor: Actor) -> Outcome:
    account = _account(uow, cmd.account_id)
    if not cmd.roles:
        raise ValidationError("Give the account at least one role.")
    if Role.MANAGER not in cmd.roles and not _other_active_managers(uow, account.id):
        raise ValidationError("The clinic needs at least one active manager.")
    before = {"name": account.name, "roles": sorted(r.value for r in account.role_set)}
    account.name = require_text(cmd.name, "name")
    account.phone = cmd.phone.strip() if cmd.phone and cmd.phone.strip() else None
    wanted = set(cmd.roles)
    account.roles = [r for r in account.roles if r.role in wanted] + [
        StaffRole(role=r) for r in sorted(wanted - account.role_set)
    ]
    if Role.PRACTITIONER in wanted:
        _ensure_practitioner(uow, account, actor)
    uow.emit(StaffAccountChanged(account.id))
    return Outcome(target=f"staff:{account.id}", changes={"before": before})


def reset_password(uow: UnitOfWork, cmd: ResetPassword, actor: Actor) -> Outcome:
    account = _account(uow, cmd.account_id)
    check_password_strength(cmd.new_password)
    account.password_hash = hash_password(cmd.new_password)
    return Outcome(target=f"staff:{account.id}")


def change_password(uow: UnitOfWork, cmd: ChangePassword, actor: Actor) -> Outcome:
    if actor.account_id is None:
        raise PermissionDenied("Only a person can change their password.")
    account = _account(uow, actor.account_id)
    if not verify_password(account.password_hash, cmd.current_password):
        raise ValidationError("The current password is not right.")
    check_password_strength(cmd.new_password)
    if cmd.new_password == cmd.current_password:
        raise ValidationError("Choose a new password different from the current one.")
    account.password_hash = hash_password(cmd.new_password)
    return Outcome(target=f"staff:{account.id}")


def deactivate_account(uow: UnitOfWork, cmd: DeactivateAccount, actor: Actor) -> Outcome:
    account = _account(uow, cmd.account_id)
    require_text(cmd.reason, "reason", 500)
    if account.id == actor.account_id:
        raise ValidationError("You cannot deactivate your own account.")
    if Role.MANAGER in account.role_set and not _other_active_managers(uow, account.id):
        raise ValidationError("The clinic needs at least one active manager.")
    account.is_active = False
    uow.emit(StaffAccountChanged(account.id))
    return Outcome(target=f"staff:{account.id}")


def reactivate_account(uow: UnitOfWork, cmd: ReactivateAccount, actor: Actor) -> Outcome:
    account = _account(uow, cmd.account_id)
    account.is_active = True
    uow.emit(StaffAccountChanged(account.id))
    return Outcome(target=f"staff:{account.id}")


def set_photo(uow: UnitOfWork, cmd: SetPhoto, actor: Actor) -> Outcome:
    if not (actor.is_system or Role.MANAGER in actor.roles or actor.account_id == cmd.account_id):
        raise PermissionDenied("You may only change your own photo.")
    account = _account(uow, cmd.account_id)
    if cmd.data is not None:
        check_photo(cmd.data)
    account.photo = cmd.data
    uow.emit(StaffAccountChanged(account.id))
    return Outcome(target=f"staff:{account.id}")


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    CreateFirstManager: HandlerSpec(create_first_manager, system_only=True),
    CreateStaffAccount: HandlerSpec(create_staff_account, roles=frozenset({Role.MANAGER})),
    UpdateStaffAccount: HandlerSpec(update_staff_account, roles=frozenset({Role.MANAGER})),
    ResetPassword: HandlerSpec(reset_password, roles=frozenset({Role.MANAGER})),
    ChangePassword: HandlerSpec(change_password, roles=EVERYONE),
    DeactivateAccount: HandlerSpec(deactivate_account, roles=frozenset({Role.MANAGER})),
    ReactivateAccount: HandlerSpec(reactivate_account, roles=frozenset({Role.MANAGER})),
    SetPhoto: HandlerSpec(set_photo, roles=EVERYONE),
}
