"""Render the status bar's connection states and the list of connected workstations.

    python -m tools.live_screenshots docs/screenshots

Writes 90-status-live.png, 91-status-reconnecting.png, 92-status-back.png and
93-workstations.png over a throwaway SQLite clinic (offscreen). Standalone for
now; it can join `clinicdesk screenshots` once that tool's layout settles.
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from sqlalchemy.engine import make_url

from desktop_app.bootstrap import AppContext, event_codec, open_app
from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.infra.config import DatabaseChoice
from desktop_app.kernel.actor import Actor
from desktop_app.live import presence
from desktop_app.live.service import LiveFeed
from desktop_app.live.status import LinkState, LinkStatus
from desktop_app.staff.auth import login
from desktop_app.staff.commands import CreateFirstManager
from ui.shell.app import ensure_application
from ui.shell.connection import WorkstationsDialog
from ui.shell.main_window import MainWindow

EMAIL, PASSWORD = "manager@riverside.example", "render-pass-123"


def _settle(app: QApplication) -> None:
    for _ in range(20):
        QThreadPool.globalInstance().waitForDone(2000)
        app.processEvents()


def render(out: Path) -> list[Path]:
    app = ensure_application()
    out.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="clinicdesk-live-shots-")) / "clinic.sqlite3"
    ctx: AppContext = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "screenshots"))
    written: list[Path] = []
    try:
        ctx.bus.handle(
            CreateFirstManager(email=EMAIL, name="Morgan Reyes", password=PASSWORD),
            Actor.system("screenshots"),
        )
        manager = login(ctx.db, EMAIL, PASSWORD)
        ctx.bus.handle(
            UpdateClinicSettings(
                values={"clinic_name": "Riverside Therapy", "timezone": "Europe/London"}
            ),
            manager,
        )
        # Not started: the states below are set by hand, not by a server going away.
        live = LiveFeed(ctx.db, ctx.bus, event_codec(), ctx.origin, ctx.clock, name="RECEPTION-1")
        ctx.live = live
        now = ctx.clock.now()
        for name, user, minutes in (
            ("RECEPTION-1", "Morgan Reyes", 95),
            ("RECEPTION-2", "Dana Whitfield", 62),
            ("ROOM-3", "Dr Priya Raman", 18),
        ):
            origin = ctx.origin if name == "RECEPTION-1" else uuid.uuid4()
            presence.beat(
                ctx.db,
                origin,
                name=name,
                user_name=user,
                started_at=now - timedelta(minutes=minutes),
                now=now - timedelta(seconds=minutes % 7),
            )
        window = MainWindow(ctx, manager)
        window.resize(1280, 800)
        window.show()
        _settle(app)
        states = (
            ("90-status-live.png", LinkStatus(LinkState.CONNECTED, now - timedelta(hours=1))),
            (
                "91-status-reconnecting.png",
                LinkStatus(
                    LinkState.RECONNECTING,
                    now,
                    "connection refused: is the server running on 192.168.1.20:5432?",
                    4,
                ),
            ),
            ("92-status-back.png", LinkStatus(LinkState.BACK, now)),
        )
        for name, status in states:
            live.status.set(status)
            app.processEvents()
            target = out / name
            window.statusBar().grab().save(str(target))
            written.append(target)
        dialog = WorkstationsDialog(ctx, window.connection.tz, window)
        dialog.show_rows(presence.connected_workstations(ctx.db, ctx.clock.now()))
        dialog.resize(640, 240)
        dialog.show()
        app.processEvents()
        target = out / "93-workstations.png"
        dialog.grab().save(str(target))
        written.append(target)
        dialog.close()
        window.close()
        _settle(app)
    finally:
        ctx.close()
    return written


if __name__ == "__main__":
    for written in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(written)
