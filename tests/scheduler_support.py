"""Helpers of the scheduler and mailer tests: a real SMTP server on loopback, an
in-memory keyring, and the work of the racing processes (importable by spawn)."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy.engine import URL, make_url

from desktop_app.infra import schema
from desktop_app.infra.database import open_database

WAIT_S = 15.0


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


class Inbox:
    """The SMTP server's side: what it received, and how it answers.

    `replies` maps a recipient to the reply its RCPT gets instead of 250
    (e.g. "550 5.1.1 no such user"); changed by tests while running.
    """

    def __init__(self, password: str | None = None) -> None:
        self.messages: list[EmailMessage] = []
        self.replies: dict[str, str] = {}
        self.logins: list[tuple[str, str]] = []
        self.password = password
        self._changed = threading.Condition()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._changed:
            self.messages.append(message)
            self._changed.notify_all()
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=password == self.password, handled=False)

    def wait_for(self, count: int, timeout: float = WAIT_S) -> bool:
        """True once at least `count` messages arrived (False after `timeout`)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.messages) >= count, timeout)

    def subjects(self) -> list[str]:
        with self._changed:
            return [str(m["Subject"]).strip() for m in self.messages]

    def received(self) -> list[EmailMessage]:
        with self._changed:
            return list(self.messages)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def mail_server(password: str | None = None) -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 (plain; AUTH accepted without TLS)."""
    inbox = Inbox(password)
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=inbox.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def run_jobs_in_process(url: str, now: str, rounds: int) -> dict[str, int]:
    """One racing workstation in its own process: every job `rounds` times."""
    from desktop_app.bootstrap import open_app
    from desktop_app.infra.config import DatabaseChoice, parse_database_url
    from desktop_app.kernel.clock import FixedClock
    from desktop_app.scheduling.jobs import run_all_due

    clock = FixedClock(datetime.fromisoformat(now))
    ctx = open_app(DatabaseChoice(parse_database_url(url), "race"), migrate=False, clock=clock)
    totals: dict[str, int] = {}
    try:
        for _ in range(rounds):
            for name, done in run_all_due(ctx, clock).items():
                totals[name] = totals.get(name, 0) + done
    finally:
        ctx.close()
    return totals


# --- fast fresh databases ------------------------------------------------------------
#
# The scheduler tests need many fresh, migrated databases. Instead of running
# every migration for each test (as conftest's db_url does), each test gets a
# copy of one database migrated once per test process: a file copy on SQLite,
# CREATE DATABASE ... TEMPLATE on PostgreSQL. A test module imports `db_url`
# from here to use it; conftest's `app` then finds the schema up to date.


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "clinic.sqlite3"
    db = open_database(make_url(f"sqlite:///{path}"))
    try:
        schema.upgrade(db)
    finally:
        db.dispose()  # the last connection checkpoints the WAL into the file
    return path


def _admin(server_url: URL, statement: str) -> None:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def _pg_template(pg_server_url: URL) -> Iterator[str]:
    name = "clinicdesk_template_" + uuid.uuid4().hex[:12]
    _admin(pg_server_url, f'CREATE DATABASE "{name}"')
    db = open_database(pg_server_url.set(database=name))
    try:
        schema.upgrade(db)
    finally:
        db.dispose()
    yield name
    _admin(pg_server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """A fresh database with the current schema, on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "clinic.sqlite3"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield make_url(f"sqlite:///{path}")
        return
    server_url: URL = request.getfixturevalue("pg_server_url")
    template: str = request.getfixturevalue("_pg_template")
    name = "clinicdesk_test_" + uuid.uuid4().hex[:12]
    _admin(server_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield server_url.set(database=name)
    finally:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
