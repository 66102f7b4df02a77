"""`clinicdesk backup`: a consistent copy of the clinic's database.

SQLite: `VACUUM INTO` writes a transaction-consistent snapshot while the app
keeps running (other workstations may go on writing; the copy is as of one
moment), compacted, as an ordinary SQLite file that opens on its own. Copying
the file with the operating system could catch it half-written and would
miss what is still in the WAL file.

PostgreSQL belongs to its server's tools: pg_dump makes consistent dumps of
a live database, and the message says how to call it for this database.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.infra.database import Database
from desktop_app.kernel.errors import ClinicdeskError, Conflict


def default_backup_name(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return f"clinicdesk-backup-{stamp}.sqlite3"


def backup(db: Database, destination: Path) -> Path:
    """Write a copy of the database to `destination` and return the file's path.

    `destination` is a new file, or an existing directory to put a
    time-stamped file in. An existing file is never overwritten.
    """
    if db.dialect == "postgresql":
        raise ClinicdeskError(_pg_dump_advice(db, destination))
    if db.dialect != "sqlite":
        raise ClinicdeskError(f"cannot back up a {db.dialect} database")

    target = destination.expanduser()
    if target.is_dir():
        target = target / default_backup_name()
    target = target.absolute()
    if target.exists():
        raise Conflict(
            f"{target} already exists: choose a new file name (a backup never overwrites a file)."
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ClinicdeskError(f"cannot create the folder {target.parent}: {exc.strerror}") from exc

    # Written under a temporary name and renamed when complete, so a crash or a
    # full disk never leaves a file that looks like a finished backup.
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    raw = db.engine.raw_connection()
    try:
        # The raw connection is in autocommit mode (see database.py), and
        # VACUUM cannot run inside a transaction.
        cursor = raw.cursor()
        try:
            cursor.execute("VACUUM INTO ?", (str(partial),))
        finally:
            cursor.close()
    except Exception as exc:
        partial.unlink(missing_ok=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise ClinicdeskError(f"the backup to {target} failed: {reason}") from exc
    finally:
        raw.close()
    if target.exists():
        partial.unlink(missing_ok=True)
        raise Conflict(f"{target} appeared while the backup was written; nothing was replaced.")
    try:
        partial.rename(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ClinicdeskError(f"the backup to {target} failed: {exc.strerror}") from exc
    return target


def _pg_dump_advice(db: Database, destination: Path) -> str:
    url = db.url
    args = ["pg_dump", "--format=custom", f"--file={destination}"]
    # A Unix-socket server is given as ?host=/path in the URL's query.
    host = url.host or url.query.get("host")
    if isinstance(host, tuple):
        host = host[0] if host else None
    if host:
        args.append(f"--host={host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    args.append(f"--dbname={url.database or 'postgres'}")
    command = " ".join(shlex.quote(a) for a in args)
    # The password is deliberately left out: it would end up in shell history.
    return (
        "Clinicdesk backs up SQLite databases only; this clinic's database is on a PostgreSQL "
        f"server. Back it up with PostgreSQL's own tool: {command} (it asks for the password, "
        "or reads it from PGPASSWORD or a .pgpass file); restore with pg_restore."
    )
