"""Selling a credit pack at the desk, its receipt, and a manager's adjustment,
through the client's record on the Clients page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from desktop_app.bootstrap import AppContext
from desktop_app.clients.commands import RegisterClient
from desktop_app.credits.commands import CreateCreditPack, SellCreditPack
from desktop_app.credits.ledger import client_ledger
from desktop_app.kernel.actor import Actor
from models import Payment, PaymentMethod, Role
from tests import factories
from ui.clients.ledger_model import LedgerModel
from ui.clients.page import ClientsView
from ui.credits.credit_dialogs import AdjustCreditsDialog, SellPackDialog, parse_amount
from ui.kit.bus_bridge import BusBridge
from ui.kit.command_dialog import CommandDialog

WAIT_MS = 10_000


@dataclass(frozen=True)
class Shop:
    desk: Actor
    manager: Actor
    client: uuid.UUID
    pack: uuid.UUID


@pytest.fixture
def shop(sqlite_app: AppContext) -> Shop:
    desk = factories.staff(sqlite_app, "Dana Desk", Role.FRONT_DESK)
    manager = factories.staff(sqlite_app, "Morgan Manager", Role.MANAGER)
    client = sqlite_app.bus.handle(
        RegisterClient(full_name="Sian Jones", phone="07700 900123", email="sian@mail.example"),
        desk,
    )
    pack = sqlite_app.bus.handle(
        CreateCreditPack(name="Five sessions", credits=5, price_cents=34000, validity_months=6),
        manager,
    )
    assert isinstance(client, uuid.UUID) and isinstance(pack, uuid.UUID)
    return Shop(desk, manager, client, pack)


def _record(qtbot: QtBot, ctx: AppContext, actor: Actor, client: uuid.UUID) -> ClientsView:
    """The Clients page as `actor` sees it, the client's Credits tab open."""
    view = ClientsView(ctx, actor)
    qtbot.addWidget(view)
    BusBridge.for_bus(ctx.bus).event_published.connect(view.on_event)
    view.resize(1100, 720)
    view.show()
    view.open_client(client, "Sian")
    qtbot.waitUntil(
        lambda: view.search_settled() and view.record is not None and view.is_loaded(),
        timeout=WAIT_MS,
    )
    view.record_panel.show_credits_tab()
    return view


def _sell_dialog(qtbot: QtBot, view: ClientsView) -> SellPackDialog:
    view.record_panel.credits.sell_button.click()
    dialog = view.sell_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.is_loaded, timeout=WAIT_MS)
    return dialog


def _submit(qtbot: QtBot, dialog: CommandDialog) -> None:
    """Press the primary button and wait for the core's answer."""
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.sending, timeout=WAIT_MS)


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in pdf)
    finally:
        pdf.close()


def _payments(ctx: AppContext) -> int:
    with ctx.db.read_sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Payment)) or 0)


def test_sell_a_pack(qtbot: QtBot, sqlite_app: AppContext, shop: Shop, tmp_path: Path) -> None:
    view = _record(qtbot, sqlite_app, shop.desk, shop.client)
    credits = view.record_panel.credits
    assert credits.balance.value.text() == "0 credits"
    assert credits.pages.currentWidget() is credits.empty

    dialog = _sell_dialog(qtbot, view)
    # The price and the clinic's currency are filled in; the expiry it would get is shown.
    assert dialog.amount.text() == "340.00"
    assert dialog.currency.text() == "EUR"
    assert "5 credits for €340.00, valid 6 months" in dialog.pack_details.text()
    assert "can be used until" in dialog.pack_details.text()
    QTest.mouseClick(dialog.method_buttons[PaymentMethod.CASH], Qt.MouseButton.LeftButton)
    _submit(qtbot, dialog)
    assert not dialog.isVisible()

    # The receipt opens by itself, and the record shows the credits.
    qtbot.waitUntil(
        lambda: view.receipt_window is not None and view.receipt_window.is_loaded(),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: credits.model.rowCount() == 1 and view.is_loaded(), timeout=WAIT_MS)
    receipt = view.receipt_window
    assert receipt is not None and receipt.receipt is not None
    number = receipt.receipt.receipt_number
    assert number == "RC-0000001"
    assert number in receipt.browser.toPlainText()
    assert credits.balance.value.text() == "5 credits"
    assert credits.usable.value.text() == "5 credits"
    assert view.record_panel.balance.value.text() == "5 credits"
    assert view.record_panel.tabs.tabText(1) == "Credits (5)"
    model = credits.model
    assert model.index(0, LedgerModel.COL_CHANGE).data() == "+5"
    assert model.index(0, LedgerModel.COL_KIND).data() == "Purchase"
    assert model.index(0, LedgerModel.COL_REASON).data() == "Five sessions pack"
    assert model.index(0, LedgerModel.COL_WHO).data() == "Dana Desk"
    assert model.index(0, LedgerModel.COL_RECEIPT).data() == number
    assert model.index(0, LedgerModel.COL_EXPIRES).data() != ""

    # Saved as a PDF that says what was paid.
    path = receipt.save_to(tmp_path / "receipt")
    assert path.suffix == ".pdf"
    text = _pdf_text(path)
    assert number in text
    assert "Sian Jones" in text
    assert "Paid by cash" in text

    # A past sale's receipt opens again from the ledger.
    receipt.close()
    credits.select_entry(0)
    assert credits.receipt_button.isEnabled()
    credits.receipt_button.click()
    reopened = view.receipt_window
    assert reopened is not None and reopened is not receipt
    qtbot.waitUntil(reopened.is_loaded, timeout=WAIT_MS)
    assert reopened.receipt is not None and reopened.receipt.receipt_number == number


def test_bad_input_gets_a_message_and_stores_nothing(
    qtbot: QtBot, sqlite_app: AppContext, shop: Shop
) -> None:
    view = _record(qtbot, sqlite_app, shop.desk, shop.client)
    dialog = _sell_dialog(qtbot, view)

    dialog.amount.setText("three hundred")
    dialog.ok_button.click()
    assert "amount paid as a number" in dialog.error_label.text()
    assert dialog.amount.property("invalid") is True

    # Not the pack's price: the core refuses, saying what it costs.
    dialog.amount.setText("300")
    _submit(qtbot, dialog)
    assert "costs €340.00" in dialog.error_label.text()

    # A number of the clinic's own series cannot be typed in.
    dialog.amount.setText("340.00")
    dialog.receipt_number.setText("RC-0000042")
    _submit(qtbot, dialog)
    assert "clinic's own series" in dialog.error_label.text()

    assert dialog.isVisible()
    assert dialog.receipt_number.text() == "RC-0000042"  # nothing typed is lost
    assert _payments(sqlite_app) == 0
    assert client_ledger(sqlite_app.db, shop.client) == []
    assert view.record_panel.credits.balance.value.text() == "0 credits"


def test_the_desk_cannot_adjust_a_manager_can_with_a_reason(
    qtbot: QtBot, sqlite_app: AppContext, shop: Shop
) -> None:
    desk_view = _record(qtbot, sqlite_app, shop.desk, shop.client)
    assert desk_view.record_panel.credits.adjust_button.isHidden()
    desk_view.adjust_credits()
    assert desk_view.adjust_dialog is None

    view = _record(qtbot, sqlite_app, shop.manager, shop.client)
    credits = view.record_panel.credits
    assert not credits.adjust_button.isHidden()
    credits.adjust_button.click()
    dialog = view.adjust_dialog
    assert isinstance(dialog, AdjustCreditsDialog)

    dialog.ok_button.click()
    assert "at least one credit" in dialog.error_label.text()
    dialog.amount.setValue(3)
    dialog.ok_button.click()
    assert "Give a reason" in dialog.error_label.text()
    assert dialog.expires.isEnabled()
    QTest.keyClicks(dialog.reason, "Goodwill after a cancelled session")
    _submit(qtbot, dialog)
    assert not dialog.isVisible()

    qtbot.waitUntil(lambda: credits.model.rowCount() == 1 and view.is_loaded(), timeout=WAIT_MS)
    model = credits.model
    assert model.index(0, LedgerModel.COL_CHANGE).data() == "+3"
    assert model.index(0, LedgerModel.COL_KIND).data() == "Adjustment"
    assert model.index(0, LedgerModel.COL_REASON).data() == "Goodwill after a cancelled session"
    assert model.index(0, LedgerModel.COL_WHO).data() == "Morgan Manager"
    assert model.index(0, LedgerModel.COL_EXPIRES).data() != ""
    assert credits.balance.value.text() == "3 credits"
    # The desk's page, open on the same client, hears of it too.
    desk_credits = desk_view.record_panel.credits
    qtbot.waitUntil(lambda: desk_credits.balance.value.text() == "3 credits", timeout=WAIT_MS)

    # Taking more than there is: the core's refusal, and nothing written.
    credits.adjust_button.click()
    dialog = view.adjust_dialog
    assert isinstance(dialog, AdjustCreditsDialog)
    dialog.amount.setValue(-10)
    assert not dialog.expires.isEnabled()
    QTest.keyClicks(dialog.reason, "Correction")
    _submit(qtbot, dialog)
    assert "Not enough credits" in dialog.error_label.text()
    assert dialog.isVisible()
    assert len(client_ledger(sqlite_app.db, shop.client)) == 1


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("340", 34000), ("340.00", 34000), ("340,5", 34050), ("£1,250.50", 125050), (" 75 ", 7500)],
)
def test_amounts_are_read_as_people_type_them(typed: str, cents: int) -> None:
    assert parse_amount(typed) == cents


def test_the_credit_screenshots_only_read(
    qtbot: QtBot, sqlite_app: AppContext, shop: Shop, tmp_path: Path
) -> None:
    from tools.screenshots.credits import CREDIT_SCREENS, render_credit_screens

    sqlite_app.bus.handle(
        SellCreditPack(
            client_id=shop.client,
            pack_id=shop.pack,
            amount_cents=34000,
            currency="EUR",
            method=PaymentMethod.CARD,
        ),
        shop.desk,
    )
    before = (_payments(sqlite_app), len(client_ledger(sqlite_app.db, shop.client)))
    paths = render_credit_screens(sqlite_app, shop.manager, tmp_path)
    assert [p.name for p in paths] == list(CREDIT_SCREENS)
    assert all(p.stat().st_size > 10_000 for p in paths)
    assert (_payments(sqlite_app), len(client_ledger(sqlite_app.db, shop.client))) == before
