"""Importing a partner CSV: every row previewed with its problem, nothing
imported until the file is fixed or the good rows are confirmed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from desktop_app.partners import queries as partner_queries
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
)
from tests.ui.sample_clinic import delete_closed_widgets
from ui.credits.page import CreditsView
from ui.credits.partner_import import ImportPreviewDialog
from ui.kit.bus_bridge import BusBridge

WAIT = 10_000

# Lines 4 and 6 are wrong: a mistyped e-mail, and Ana listed twice.
TWO_BAD_ROWS = (
    "E-mail,Name,Credits\n"
    "ana@acme.test,Ana Ruiz,\n"
    "ben@acme.test,Ben Ode,3\n"
    "cleo@@acme.test,Cleo Park,\n"
    "dev@acme.test,Dev Shah,\n"
    "ANA@acme.test,Ana Ruiz,1\n"
)
FIXED = TWO_BAD_ROWS.replace("cleo@@", "cleo@").replace("ANA@acme.test,Ana Ruiz,1\n", "")


@pytest.fixture(autouse=True)
def _no_closed_windows_left() -> Iterator[None]:
    yield
    delete_closed_widgets()


@pytest.fixture
def acme(sqlite_app: AppContext, manager: Actor) -> uuid.UUID:
    org = sqlite_app.bus.handle(
        CreatePartnerOrganisation(name="Acme Ltd", default_credits=2), manager
    )
    assert isinstance(org, uuid.UUID)
    return org


def _emails(ctx: AppContext, org: uuid.UUID) -> list[str]:
    return sorted(a.employee_email for a in partner_queries.partner_allocations(ctx.db, org))


def _preview(
    qtbot: QtBot, ctx: AppContext, actor: Actor, path: Path
) -> tuple[CreditsView, ImportPreviewDialog]:
    view = CreditsView(ctx, actor)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 760)
    view.show()
    qtbot.waitUntil(lambda: view.is_loaded() and view.selected_organisation() is not None)
    dialog = view.import_csv(path)
    assert isinstance(dialog, ImportPreviewDialog) and dialog.isVisible()
    qtbot.waitUntil(dialog.is_loaded, timeout=WAIT)
    return view, dialog


def _problems(dialog: ImportPreviewDialog) -> dict[int, str]:
    return {r.line: "; ".join(r.errors) for r in dialog.model.rows if r.errors}


def test_a_csv_with_two_bad_rows_imports_nothing_until_fixed(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, acme: uuid.UUID, tmp_path: Path
) -> None:
    path = tmp_path / "employees.csv"
    path.write_text(TWO_BAD_ROWS, encoding="utf-8")
    view, dialog = _preview(qtbot, sqlite_app, manager, path)

    # Every row is listed; both bad ones say why.
    assert [r.line for r in dialog.model.rows] == [2, 3, 4, 5, 6]
    problems = _problems(dialog)
    assert list(problems) == [4, 6]
    assert "not a valid e-mail address" in problems[4]
    assert "duplicate" in problems[6] and "line 2" in problems[6]
    assert "2 of 5 rows have problems" in dialog.summary.text()
    assert dialog.summary.property("kind") == "warning"
    assert dialog.ok_button.text() == "Import 3 good rows"
    assert _emails(sqlite_app, acme) == []  # previewing writes nothing

    # Fixed in the spreadsheet, loaded again: every row is good, and all are imported.
    path.write_text(FIXED, encoding="utf-8")
    dialog.reload_button.click()
    qtbot.waitUntil(lambda: dialog.is_loaded() and not _problems(dialog), timeout=WAIT)
    assert [r.email for r in dialog.model.rows] == [
        "ana@acme.test",
        "ben@acme.test",
        "cleo@acme.test",
        "dev@acme.test",
    ]
    assert dialog.ok_button.text() == "Import 4 employees"
    assert _emails(sqlite_app, acme) == []
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    allocations = {
        a.employee_email: a for a in partner_queries.partner_allocations(sqlite_app.db, acme)
    }
    assert sorted(allocations) == [
        "ana@acme.test",
        "ben@acme.test",
        "cleo@acme.test",
        "dev@acme.test",
    ]
    assert allocations["ben@acme.test"].credits == 3
    assert allocations["ana@acme.test"].credits == 2  # the organisation's default
    assert allocations["ana@acme.test"].employee_name == "Ana Ruiz"
    assert view.banner.text().startswith("Imported 4 employees")
    qtbot.waitUntil(lambda: len(view.allocation_model.rows) == 4, timeout=WAIT)


def test_confirming_imports_exactly_the_good_rows(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, acme: uuid.UUID, tmp_path: Path
) -> None:
    path = tmp_path / "employees.csv"
    path.write_text(TWO_BAD_ROWS, encoding="utf-8")
    _view, dialog = _preview(qtbot, sqlite_app, manager, path)
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert _emails(sqlite_app, acme) == ["ana@acme.test", "ben@acme.test", "dev@acme.test"]


def test_cancelling_the_preview_imports_nothing(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, acme: uuid.UUID, tmp_path: Path
) -> None:
    path = tmp_path / "employees.csv"
    path.write_text(FIXED, encoding="utf-8")
    _view, dialog = _preview(qtbot, sqlite_app, manager, path)
    assert dialog.summary.text() == "4 employees ready to import."
    dialog.cancel_button.click()
    assert not dialog.isVisible()
    assert _emails(sqlite_app, acme) == []


def test_a_row_the_database_refuses_is_named_and_the_import_is_all_or_none(
    qtbot: QtBot, sqlite_app: AppContext, manager: Actor, acme: uuid.UUID, tmp_path: Path
) -> None:
    path = tmp_path / "employees.csv"
    path.write_text(FIXED, encoding="utf-8")
    _view, dialog = _preview(qtbot, sqlite_app, manager, path)
    # Meanwhile, another desk gives Dev credits: the confirmed import now has a
    # bad row, so the core imports none of them and says why.
    sqlite_app.bus.handle(
        AllocatePartnerCredits(organisation_id=acme, allocation=AllocationInput("dev@acme.test")),
        manager,
    )
    dialog.ok_button.click()
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=WAIT)
    assert "Nothing was imported" in dialog.error_label.text()
    assert "dev@acme.test" in dialog.error_label.text()
    assert _emails(sqlite_app, acme) == ["dev@acme.test"]
    # Loaded again, the preview shows the same problem on its row.
    dialog.reload_button.click()
    qtbot.waitUntil(lambda: dialog.is_loaded() and bool(_problems(dialog)), timeout=WAIT)
    assert "already has an active allocation" in _problems(dialog)[5]
    assert dialog.ok_button.text() == "Import 3 good rows"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Could not read employees.csv"),
        (b"", "The file is empty."),
        (b"\xff\xfe\x00broken", "not UTF-8"),
        (b"Mail,Team\nana@acme.test,Blue\n", "Unknown column 'Team'"),
    ],
)
def test_a_file_that_cannot_be_read_says_why_and_offers_no_import(
    qtbot: QtBot,
    sqlite_app: AppContext,
    manager: Actor,
    acme: uuid.UUID,
    tmp_path: Path,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / "employees.csv"
    if content is not None:
        path.write_bytes(content)
    _view, dialog = _preview(qtbot, sqlite_app, manager, path)
    assert message in dialog.summary.text()
    assert dialog.summary.property("kind") == "error"
    assert not dialog.ok_button.isEnabled()
    assert dialog.model.rowCount() == 0
    assert _emails(sqlite_app, acme) == []
