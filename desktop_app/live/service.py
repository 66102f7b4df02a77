"""One reader of the change feed per running app: other workstations' changes, live.

PostgreSQL: a thread with its own psycopg connection LISTENs on the feed's
channel; each announcement (or a reconnect) makes it read the rows after the
last position it delivered. SQLite: a thread polls `PRAGMA data_version` on
its own connection (cheap: a counter in shared memory, changed when another
connection commits) and reads the rows the same way. Either way one path
serves the live refresh and the catch-up after a sleep or an outage.

Rows committed by this app itself are skipped: its bus already published
their events. The others' events go to the bus's subscribers
(`MessageBus.publish_remote`), so every view refreshes through the path it
already has. The thread also keeps this workstation's heartbeat and trims
old rows of the feed.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import psycopg
from sqlalchemy import delete, func, select

from desktop_app.infra.database import Database
from desktop_app.kernel.actor import workstation_name
from desktop_app.kernel.clock import Clock
from desktop_app.kernel.messagebus import MessageBus
from desktop_app.live import presence
from desktop_app.live.codec import EventCodec
from desktop_app.live.feed import CHANNEL, decode_row, read_since
from desktop_app.live.status import LinkState, LinkStatus, StatusCell
from models import ChangeEntry

log = logging.getLogger(__name__)

# SQLite: how often the data version is looked at.
POLL_INTERVAL_S = 0.05
# PostgreSQL: the longest the thread waits for an announcement before it
# looks at its stop flag and its timers again.
WAIT_S = 0.5
# PostgreSQL: a quiet connection is checked this often.
PROBE_S = 5.0
# Reconnecting: waits between attempts, then the last one over and over.
BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 3.0)
# "Back" is shown this long after a reconnect, then "connected".
BACK_SHOWN_S = 5.0
# The feed keeps this much; the audit log keeps everything.
KEEP = timedelta(days=30)
TRIM_EVERY_S = 6 * 3600.0


class _Lost(Exception):
    """The connection to the database went away."""


class LiveFeed:
    def __init__(
        self,
        db: Database,
        bus: MessageBus,
        codec: EventCodec,
        origin: uuid.UUID,
        clock: Clock,
        *,
        poll_interval_s: float = POLL_INTERVAL_S,
        heartbeat_s: float = presence.HEARTBEAT_S,
        name: str | None = None,
    ) -> None:
        self.db = db
        self.bus = bus
        self.codec = codec
        self.origin = origin
        self.clock = clock
        self.name = name or workstation_name()
        self.poll_interval_s = poll_interval_s
        self.heartbeat_s = heartbeat_s
        self.status = StatusCell(LinkStatus(LinkState.CONNECTING, clock.now()))
        # The last position delivered (or skipped as this app's own).
        self.position = 0
        # Remote changes delivered, for tests and the benchmark.
        self.delivered = 0
        self.on_change: Callable[[int, uuid.UUID], None] | None = None
        self._user: str | None = None
        self._started_at = clock.now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ever_started = False
        self._last_beat = 0.0
        self._last_trim = 0.0
        self._back_at = 0.0

    # --- the app's side ----------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start reading: the first time from the feed's current end (what is committed
        after this arrives); after a stop, from where it stopped (it catches up)."""
        if self.running:
            return
        if not self._ever_started:
            with self.db.read_sessions() as session:
                end = session.execute(select(func.max(ChangeEntry.position))).scalar()
            self.position = end or 0
            self._ever_started = True
        self._stop.clear()
        self._started_at = self.clock.now()
        self._last_beat = 0.0  # say at once that this workstation is here
        target = self._run_postgresql if self.db.dialect == "postgresql" else self._run_sqlite
        self._thread = threading.Thread(target=target, name="clinicdesk-live", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._stop.set()
        thread.join(timeout_s)
        try:
            presence.leave(self.db, self.origin)
        except Exception as exc:
            log.info("could not remove this workstation from the list: %s", exc)

    def set_user(self, name: str | None) -> None:
        """Who is logged in here, for the list of connected workstations."""
        self._user = name
        self._last_beat = 0.0  # tell the others at the next turn

    # --- reading -------------------------------------------------------------

    def _catch_up(self, cursor: Any, paramstyle: str) -> None:
        while not self._stop.is_set():
            rows = read_since(cursor, paramstyle, self.position)
            if not rows:
                return
            for row in rows:
                change = decode_row(self.codec, row)
                if change.position <= self.position:
                    continue
                if change.position != self.position + 1 and self.position:
                    log.warning(
                        "change feed: positions %s to %s were trimmed before this "
                        "workstation read them",
                        self.position + 1,
                        change.position - 1,
                    )
                self.position = change.position
                if change.origin == self.origin:
                    continue
                if change.events:
                    self.bus.publish_remote(change.events)
                self.delivered += 1
                if self.on_change is not None:
                    self.on_change(change.position, change.origin)

    def _periodic(self) -> None:
        mono = time.monotonic()
        if self.status.value.state is LinkState.BACK and mono - self._back_at >= BACK_SHOWN_S:
            self.status.update(state=LinkState.CONNECTED)
        try:
            if mono - self._last_beat >= self.heartbeat_s:
                self._last_beat = mono
                presence.beat(
                    self.db,
                    self.origin,
                    name=self.name,
                    user_name=self._user,
                    started_at=self._started_at,
                    now=self.clock.now(),
                )
            if mono - self._last_trim >= TRIM_EVERY_S:
                self._last_trim = mono
                self._trim(self.clock.now())
        except Exception as exc:
            # Housekeeping only: the next turn tries again.
            log.info("live feed housekeeping failed: %s", exc)

    def _trim(self, now: datetime) -> None:
        with self.db.write_sessions() as session, session.begin():
            session.execute(delete(ChangeEntry).where(ChangeEntry.at < now - KEEP))
        presence.forget_silent(self.db, now)

    # --- link state ----------------------------------------------------------

    def _connected(self) -> None:
        previous = self.status.value
        if previous.state is LinkState.RECONNECTING:
            self._back_at = time.monotonic()
            self.status.set(LinkStatus(LinkState.BACK, self.clock.now()))
        elif previous.state is LinkState.CONNECTING:
            self.status.set(LinkStatus(LinkState.CONNECTED, self.clock.now()))

    def _lost(self, exc: BaseException, attempts: int) -> None:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        previous = self.status.value
        since = previous.since if previous.state is LinkState.RECONNECTING else self.clock.now()
        self.status.set(LinkStatus(LinkState.RECONNECTING, since, reason, attempts))
        if attempts <= 1:
            log.warning("lost the database (%s); reconnecting", reason)

    def _wait_before_retry(self, attempts: int) -> None:
        self._stop.wait(BACKOFF_S[min(attempts, len(BACKOFF_S)) - 1])

    # --- PostgreSQL ------------------------------------------------------------

    def _conninfo(self) -> str:
        return self.db.url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run_postgresql(self) -> None:
        attempts = 0
        while not self._stop.is_set():
            try:
                conn = psycopg.connect(
                    self._conninfo(),
                    autocommit=True,
                    connect_timeout=3,
                    # A vanished server (not one that said goodbye) is noticed too.
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                    application_name="clinicdesk-live",
                )
            except psycopg.Error as exc:
                attempts += 1
                self._lost(exc, attempts)
                self._wait_before_retry(attempts)
                continue
            try:
                with conn:
                    self._listen(conn)
                return
            except (psycopg.Error, _Lost, OSError) as exc:
                attempts = 1
                if self._stop.is_set():
                    return
                self._lost(exc, attempts)
                self._wait_before_retry(attempts)
            except Exception:
                log.exception("the live feed failed; starting it again")
                attempts = 1
                self._wait_before_retry(attempts)

    def _listen(self, conn: psycopg.Connection[Any]) -> None:
        conn.execute(f"LISTEN {CHANNEL}")
        cursor = conn.cursor()
        # Whatever was committed while not listening (start, sleep, outage).
        self._catch_up(cursor, "format")
        self._connected()
        last_probe = time.monotonic()
        while not self._stop.is_set():
            announced = False
            for _notify in conn.notifies(timeout=WAIT_S, stop_after=1):
                announced = True
            if conn.closed or conn.broken:
                raise _Lost("the connection closed")
            if announced:
                self._catch_up(cursor, "format")
            elif time.monotonic() - last_probe >= PROBE_S:
                # Quiet for a while: make sure the server is still there.
                conn.execute("SELECT 1")
                last_probe = time.monotonic()
            self._periodic()

    # --- SQLite ----------------------------------------------------------------

    def _run_sqlite(self) -> None:
        path = self.db.url.database
        if not path or path == ":memory:":
            # Nothing else can open this database; nothing to listen to.
            self.status.set(LinkStatus(LinkState.CONNECTED, self.clock.now(), live=False))
            return
        conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
        attempts = 0
        version: int | None = None
        try:
            while not self._stop.is_set():
                try:
                    current = int(conn.execute("PRAGMA data_version").fetchone()[0])
                    if current != version:
                        version = current
                        self._catch_up(conn.cursor(), "qmark")
                    attempts = 0
                    self._connected()
                    self._periodic()
                except sqlite3.Error as exc:
                    attempts += 1
                    self._lost(exc, attempts)
                    self._wait_before_retry(attempts)
                    continue
                self._stop.wait(self.poll_interval_s)
        finally:
            conn.close()
