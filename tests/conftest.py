"""Test configuration shared by every test.

Qt runs headless. Database tests take the `db_url` / `app` fixtures, which run
each test twice: on a fresh SQLite file and on a fresh PostgreSQL database.
PostgreSQL comes from CLINICDESK_TEST_PG_URL when set, else from a throwaway
server started with the pgserver package for the whole session.
"""

from __future__ import annotations

import os

# Before anything imports Qt.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from desktop_app.bootstrap import AppContext, open_app
from desktop_app.infra.config import DatabaseChoice

PG_ENV = "CLINICDESK_TEST_PG_URL"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads or writes the real user's settings or data."""
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("CLINICDESK_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("CLINICDESK_DATA_DIR", str(base / "data"))
    monkeypatch.delenv("CLINICDESK_DATABASE_URL", raising=False)


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2 is slow on purpose; tests hash hundreds of passwords. The
    algorithm stays argon2id, only its cost is lowered for the test run."""
    from argon2 import PasswordHasher

    from desktop_app.staff import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    yield
    passwords._hasher = real


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[URL]:
    """A PostgreSQL server for the whole run (an admin URL to its 'postgres' db)."""
    from_env = os.environ.get(PG_ENV)
    if from_env:
        yield make_url(from_env).set(drivername="postgresql+psycopg")
        return
    import pgserver

    data_dir = Path(tempfile.mkdtemp(prefix="clinicdesk-pg-"))
    server = pgserver.get_server(data_dir, cleanup_mode="delete")
    try:
        yield make_url(server.get_uri()).set(drivername="postgresql+psycopg")
    finally:
        server.cleanup()


def _fresh_pg_database(server_url: URL) -> tuple[URL, str]:
    name = "clinicdesk_test_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server_url.set(database=name), name


def _drop_pg_database(server_url: URL, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[URL]:
    """An empty database (no schema) on each backend in turn."""
    if request.param == "sqlite":
        yield make_url(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
        return
    server_url: URL = request.getfixturevalue("pg_server_url")
    url, name = _fresh_pg_database(server_url)
    try:
        yield url
    finally:
        _drop_pg_database(server_url, name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> URL:
    """For tests that are about SQLite itself (or the GUI, which is backend-agnostic)."""
    return make_url(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")


@pytest.fixture
def app(db_url: URL) -> Iterator[AppContext]:
    """The whole core wired over a migrated, empty database, on both backends."""
    ctx = open_app(DatabaseChoice(db_url, "test"))
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def sqlite_app(sqlite_url: URL) -> Iterator[AppContext]:
    ctx = open_app(DatabaseChoice(sqlite_url, "test"))
    try:
        yield ctx
    finally:
        ctx.close()
