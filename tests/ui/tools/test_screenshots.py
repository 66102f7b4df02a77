"""render_all draws every screen to a PNG file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from tests.ui.sample_clinic import SampleClinic
from tools.screenshots.accounts import EXTRA_SCREENS
from tools.screenshots.credits import CREDIT_SCREENS
from tools.screenshots.render import render_all
from ui.shell.navigation import PAGES


def test_render_all_writes_every_screen(
    qtbot: QtBot, sqlite_app: AppContext, clinic: SampleClinic, tmp_path: Path
) -> None:
    paths = render_all(sqlite_app, tmp_path / "shots")

    names = [p.name for p in paths]
    assert names[:3] == ["01-login.png", "02-first-run.png", "03-first-run-validation.png"]
    assert names[3:5] == ["10-today.png", "11-calendar.png"]
    # Every page appears once: the manager's, then the practitioner's own;
    # then second looks at a page (another tab).
    variants = [name for name in names[3:] if name.endswith("-exceptions.png")]
    assert variants == ["32-my-schedule-exceptions.png"]
    # The account screens (40 on) that are not pages: a review, the lock, the form.
    assert set(EXTRA_SCREENS) <= set(names)
    # Credits (50), partners and packs (55), e-mail settings (60): screens, not pages.
    # (The sample clinic has no sale or partner: those screens have tests of their own.)
    later = [name for name in names if int(name[:2]) >= 50]
    assert {"57-credit-packs.png", "60-settings-email.png"} <= set(later)
    assert later == [
        name
        for name in (
            *CREDIT_SCREENS,
            "55-partner-import-preview.png",
            "56-partner-usage.png",
            "57-credit-packs.png",
            "60-settings-email.png",
            "61-settings-templates.png",
            "70-assistant.png",
            "71-assistant-question.png",
        )
        if name in later
    ]
    assert {"70-assistant.png", "71-assistant-question.png"} <= set(later)
    pages = [
        name
        for name in names[3:]
        if name not in variants and name not in EXTRA_SCREENS and name not in later
    ]
    rendered = sorted(name.split("-", 1)[1].removesuffix(".png") for name in pages)
    assert rendered == sorted(page.key.replace("_", "-") for page in PAGES)
    assert "30-my-schedule.png" in names
    assert {"14-practitioners.png", "17-audit-log.png", "41-staff.png"} <= set(names)
    for path in paths:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
        image = QImage(str(path))
        assert not image.isNull() and image.width() > 300 and image.height() > 200, path
    window_shot = QImage(str(tmp_path / "shots" / "10-today.png"))
    assert (window_shot.width(), window_shot.height()) == (1280, 800)


def test_render_all_works_on_an_empty_clinic(
    qtbot: QtBot, sqlite_app: AppContext, tmp_path: Path
) -> None:
    # No manager yet: the screens still render (with a stand-in manager).
    paths = render_all(sqlite_app, tmp_path)
    # Login and wizard, the manager's pages, then the review, staff, lock and form;
    # with no client, sale or partner: the packs and the e-mail settings only;
    # then the assistant (which has no names to find: its questions show).
    assert len(paths) == 3 + 9 + 4 + 3 + 2
    assert [p.name for p in paths[-5:]] == [
        "57-credit-packs.png",
        "60-settings-email.png",
        "61-settings-templates.png",
        "70-assistant.png",
        "71-assistant-question.png",
    ]
    assert all(p.stat().st_size > 0 for p in paths)
