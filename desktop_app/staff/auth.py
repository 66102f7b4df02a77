"""Logging in: e-mail and password to an Actor.

Failed attempts are written to the audit log, and they are also what slows
the next attempts down: after a few failures for one e-mail address, each
further try must wait, longer every time. The audit log is the one record of
attempts, shared by every workstation on the database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from desktop_app.audit import log as audit_log
from desktop_app.infra.database import Database
from desktop_app.kernel.actor import Actor, workstation_name
from desktop_app.kernel.clock import Clock, SystemClock
from desktop_app.kernel.errors import ClinicdeskError
from desktop_app.staff.passwords import hash_password, needs_rehash, verify_password
from models import AuditEntry, Practitioner, PractitionerStatus, Role, StaffAccount

FREE_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)
MAX_WAIT = timedelta(minutes=5)
FAILED = "LoginFailed"
SUCCEEDED = "LoggedIn"


class LoginFailed(ClinicdeskError):
    pass


class LoginThrottled(LoginFailed):
    def __init__(self, wait: timedelta) -> None:
        self.wait = wait
        seconds = max(1, int(wait.total_seconds()))
        super().__init__(
            f"Too many failed attempts for this account. Try again in {seconds} seconds."
        )


@dataclass(frozen=True)
class _Attempts:
    failures: int
    last_failure: datetime | None


def _target(email: str) -> str:
    return f"login:{email}"


def _recent_failures(db: Database, email: str, now: datetime) -> _Attempts:
    """Failures since the last success, within the window."""
    with db.read_sessions() as s:
        last_success = s.scalar(
            select(func.max(AuditEntry.at)).where(
                AuditEntry.command == SUCCEEDED, AuditEntry.target == _target(email)
            )
        )
        since = max(now - WINDOW, last_success) if last_success else now - WINDOW
        row = s.execute(
            select(func.count(), func.max(AuditEntry.at)).where(
                AuditEntry.command == FAILED,
                AuditEntry.target == _target(email),
                AuditEntry.at > since,
            )
        ).one()
        return _Attempts(int(row[0]), row[1])


def throttle_wait(attempts: _Attempts, now: datetime) -> timedelta:
    """How long the next attempt must wait: nothing for the first few
    failures, then 2, 4, 8 ... seconds after the last one, at most MAX_WAIT."""
    extra = attempts.failures - FREE_ATTEMPTS
    if extra < 0 or attempts.last_failure is None:
        return timedelta(0)
    wait = min(timedelta(seconds=2 ** (extra + 1)), MAX_WAIT)
    remaining = attempts.last_failure + wait - now
    return remaining if remaining > timedelta(0) else timedelta(0)


def _record(
    db: Database, clock: Clock, command: str, email: str, actor_id: uuid.UUID | None
) -> None:
    with db.write_sessions.begin() as s:
        audit_log.append(
            s,
            at=clock.now(),
            actor_id=actor_id,
            workstation=workstation_name(),
            command=command,
            target=_target(email),
            changes={},
        )


def effective_roles(db: Database, account: StaffAccount) -> frozenset[Role]:
    """A practitioner acts as one only while approved."""
    roles = set(account.role_set)
    if Role.PRACTITIONER in roles:
        with db.read_sessions() as s:
            status = s.scalar(
                select(Practitioner.status).where(  # type: ignore[attr-defined]
                    Practitioner.account_id == account.id
                )
            )
        if status != PractitionerStatus.APPROVED:
            roles.discard(Role.PRACTITIONER)
    return frozenset(roles)


def login(db: Database, email: str, password: str, clock: Clock | None = None) -> Actor:
    clock = clock or SystemClock()
    email = email.strip().lower()
    now = clock.now()
    wait = throttle_wait(_recent_failures(db, email, now), now)
    if wait > timedelta(0):
        raise LoginThrottled(wait)
    # One message for every failure: which part was wrong is not disclosed.
    failure = LoginFailed("Wrong e-mail or password, or the account is inactive.")
    with db.read_sessions() as session:
        account = session.scalar(select(StaffAccount).where(StaffAccount.email == email))
        ok = (
            account is not None
            and account.is_active
            and verify_password(account.password_hash, password)
        )
        if account is not None:
            session.refresh(account, ["roles"])
    if not ok or account is None:
        _record(db, clock, FAILED, email, None)
        raise failure
    if needs_rehash(account.password_hash):
        with db.write_sessions.begin() as s:
            fresh = s.get(StaffAccount, account.id)
            if fresh is not None:
                fresh.password_hash = hash_password(password)
    _record(db, clock, SUCCEEDED, email, account.id)
    return Actor(
        account_id=account.id,
        name=account.name,
        roles=effective_roles(db, account),
        workstation=workstation_name(),
    )


def unlock(db: Database, actor: Actor, password: str, clock: Clock | None = None) -> bool:
    """The idle lock opens only for the same person's password. LoginThrottled
    is raised, not swallowed, so the lock screen can say how long to wait."""
    if actor.account_id is None:
        return False
    with db.read_sessions() as s:
        account = s.get(StaffAccount, actor.account_id)
        if account is None:
            return False
        email = account.email
    try:
        again = login(db, email, password, clock)
    except LoginThrottled:
        raise
    except LoginFailed:
        return False
    return again.account_id == actor.account_id
