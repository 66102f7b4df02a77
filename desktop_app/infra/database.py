"""Engines and sessions for the embedded SQLite default and PostgreSQL.

SQLite: WAL, foreign keys, a busy timeout, and write transactions that begin
with BEGIN IMMEDIATE. pysqlite's own transaction handling starts transactions
lazily and as DEFERRED, so two writers can each take a read lock and then
deadlock when both try to write ("database is locked"). Taking the write lock
up front makes the second writer wait its turn instead (the recipe from
SQLAlchemy's SQLite dialect documentation).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop_app.infra.config import describe_url
from desktop_app.kernel.errors import ConfigError, DatabaseUnavailable

# Generous: under a burst of writers SQLite gives the lock to no one in
# particular, and a desk that waits a little is better than one that fails.
SQLITE_BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "clinicdesk_write"

# Filesystems on which SQLite's WAL (shared memory between processes) is unsafe.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "afs", "ncpfs", "9p", "fuse.sshfs"}
)


@dataclass(frozen=True)
class Database:
    """The one engine of the process and the two session factories over it."""

    url: URL
    engine: Engine
    # Sessions for commands: on SQLite their transaction takes the write lock.
    write_sessions: sessionmaker[Session]
    # Sessions for queries: never block a writer longer than a read needs.
    read_sessions: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def label(self) -> str:
        return describe_url(self.url)

    def dispose(self) -> None:
        self.engine.dispose()


def _mount_fstype(path: Path) -> str | None:
    """The filesystem type holding `path` on Linux, from /proc/mounts."""
    try:
        lines = Path("/proc/mounts").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    best: tuple[int, str] | None = None
    target = str(path)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and (best is None or len(mount_point) > best[0]):
            best = (len(mount_point), parts[2])
    return best[1] if best else None


def is_network_path(path: Path) -> bool:
    if sys.platform == "win32":
        if str(path).startswith("\\\\"):
            return True
        import ctypes

        drive = os.path.splitdrive(str(path))[0] + "\\"
        drive_remote = 4
        return bool(ctypes.windll.kernel32.GetDriveTypeW(drive) == drive_remote)  # type: ignore[attr-defined,unused-ignore]
    fstype = _mount_fstype(path)
    return fstype is not None and fstype in NETWORK_FILESYSTEMS


def _sqlite_file(url: URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db)


def _install_sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def open_database(url: URL, *, create_dirs: bool = True) -> Database:
    """Build the engine for `url`. Does not touch the schema."""
    backend = url.get_backend_name()
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        path = _sqlite_file(url)
        if path is not None:
            path = path.expanduser().absolute()
            parent = path.parent
            if create_dirs:
                try:
                    parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise ConfigError(
                        f"cannot create the folder for the database file {path}: "
                        f"{exc.strerror or exc}"
                    ) from exc
            if is_network_path(parent):
                raise ConfigError(
                    f"{path} is on a network share. SQLite is only safe on this computer's own "
                    "disk; for a clinic shared between computers, use a PostgreSQL server "
                    "(clinicdesk --database postgresql://...)."
                )
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    elif backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5, "options": "-c timezone=UTC"}
        kwargs["pool_pre_ping"] = True
    else:
        raise ConfigError(f"unsupported database {backend!r}")
    engine = create_engine(url, **kwargs)
    if backend == "sqlite":
        _install_sqlite_events(engine)
    write_engine = engine.execution_options(**{_WRITE_OPTION: True})
    return Database(
        url=url,
        engine=engine,
        write_sessions=sessionmaker(bind=write_engine, expire_on_commit=False),
        read_sessions=sessionmaker(bind=engine, expire_on_commit=False),
    )


def check_reachable(db: Database) -> None:
    """Fail with a readable message if the server cannot be reached."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach the database ({db.label}): {reason}") from exc


def upsert(session: Session, table: Any, values: dict[str, Any], key: list[str]) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE, on either database.

    A read-then-write (Session.merge) races under concurrent writers on
    PostgreSQL; letting the database resolve the conflict does not.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).values(**values)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**values)
    updates = {k: stmt.excluded[k] for k in values if k not in key}
    session.execute(stmt.on_conflict_do_update(index_elements=key, set_=updates))
