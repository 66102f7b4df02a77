"""Logging in: e-mail and password to an Actor."""

from __future__ import annotations

from sqlalchemy import select

from desktop_app.actor import Actor, workstation_name
from desktop_app.database import Database
from desktop_app.errors import ClinicdeskError
from desktop_app.passwords import verify_password
from models import StaffAccount


class LoginFailed(ClinicdeskError):
    pass


def login(db: Database, email: str, password: str) -> Actor:
    # One message for every failure: which part was wrong is not disclosed.
    failure = LoginFailed("Wrong e-mail or password, or the account is inactive.")
    with db.read_sessions() as session:
        account = session.scalar(
            select(StaffAccount).where(StaffAccount.email == email.strip().lower())
        )
        if account is None or not account.is_active:
            raise failure
        if not verify_password(account.password_hash, password):
            raise failure
        return Actor(
            account_id=account.id,
            name=account.name,
            roles=account.role_set,
            workstation=workstation_name(),
        )
