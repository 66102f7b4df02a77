"""The ledger table model and the Credits tab that shows it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from desktop_app.credits.ledger import ClientCredits, LedgerRow, Lot
from models.enums import CreditEntryKind
from ui.clients.client_ledger import ClientLedgerPanel, expiring_soon
from ui.clients.ledger_model import LedgerModel
from ui.kit.table_model import ROW_ROLE, SORT_ROLE

NOW = datetime(2030, 3, 4, 12, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
M = LedgerModel


def _row(
    minutes: int,
    kind: CreditEntryKind,
    amount: int,
    balance: int,
    reason: str,
    **kw: object,
) -> LedgerRow:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "created_at": NOW + timedelta(minutes=minutes),
        "kind": kind,
        "amount": amount,
        "balance_after": balance,
        "actor_name": "Dana Desk",
        "reason": reason,
        "appointment_id": None,
        "appointment_reference": None,
        "organisation_name": None,
        "receipt_number": None,
        "lot_id": None,
        "expires_at": None,
    }
    values.update(kw)
    return LedgerRow(**values)  # type: ignore[arg-type]


LOT = uuid.uuid4()
LEDGER = [
    _row(
        0,
        CreditEntryKind.PURCHASE,
        5,
        5,
        "Five sessions pack",
        id=LOT,
        receipt_number="RC-0000007",
        expires_at=datetime(2030, 9, 4, 12, 0, tzinfo=UTC),
    ),
    _row(
        60,
        CreditEntryKind.USE,
        -2,
        3,
        "Couples session K7Q2MX",
        lot_id=LOT,
        appointment_id=uuid.uuid4(),
        appointment_reference="K7Q2MX",
        # The lot's date, not this entry's: a use does not expire by itself.
        expires_at=datetime(2030, 9, 4, 12, 0, tzinfo=UTC),
    ),
    _row(120, CreditEntryKind.EXPIRY, -3, 0, "3 unused credit(s) expired", actor_name=None),
]


def test_the_ledger_reads_newest_first_with_every_detail(qtbot: QtBot) -> None:
    model = LedgerModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    model.set_ledger(LEDGER, LONDON)
    assert model.rowCount() == 3
    assert model.columnCount() == len(M.HEADERS)
    assert [model.index(r, M.COL_KIND).data() for r in range(3)] == [
        "Expired",
        "Used",
        "Purchase",
    ]
    expiry, use, purchase = (model.row_at(r) for r in range(3))
    assert model.display(purchase, M.COL_WHEN) == "4 Mar 2030, 12:00"
    assert model.display(purchase, M.COL_CHANGE) == "+5"
    assert model.display(use, M.COL_CHANGE) == "\u22122"
    assert model.display(purchase, M.COL_EXPIRES) == "4 Sep 2030"
    assert model.display(use, M.COL_EXPIRES) == ""
    assert model.display(use, M.COL_APPOINTMENT) == "K7Q2MX"
    assert model.display(purchase, M.COL_RECEIPT) == "RC-0000007"
    assert model.display(expiry, M.COL_WHO) == "System"
    assert model.display(use, M.COL_BALANCE) == "3"
    assert model.index(0, 0).data(ROW_ROLE) is expiry
    # Numbers sort as numbers, times as times.
    assert model.index(1, M.COL_CHANGE).data(SORT_ROLE) == -2
    assert model.index(0, M.COL_WHEN).data(SORT_ROLE) > model.index(1, M.COL_WHEN).data(SORT_ROLE)
    assert model.headerData(M.COL_CHANGE, Qt.Orientation.Horizontal) == "Change"
    tip = model.index(2, M.COL_REASON).data(Qt.ItemDataRole.ToolTipRole)
    assert "Receipt RC-0000007" in tip and "Expires 4 Sep 2030" in tip
    # A refresh with one more entry, and another zone: still consistent.
    later = _row(180, CreditEntryKind.ADJUSTMENT, 2, 2, "Goodwill", actor_name="Morgan")
    model.set_ledger([*LEDGER, later], ZoneInfo("America/New_York"))
    assert model.rowCount() == 4
    assert model.index(0, M.COL_REASON).data() == "Goodwill"
    assert model.index(3, M.COL_WHEN).data() == "4 Mar 2030, 07:00"
    model.set_ledger([], LONDON)
    assert model.rowCount() == 0
    del tester


def _lot(left: int, expires_in_days: int | None, **kw: object) -> Lot:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "kind": CreditEntryKind.PURCHASE,
        "credits": 5,
        "left": left,
        "created_at": NOW - timedelta(days=30),
        "expires_at": None if expires_in_days is None else NOW + timedelta(days=expires_in_days),
        "description": "Five sessions pack",
    }
    values.update(kw)
    return Lot(**values)  # type: ignore[arg-type]


def test_the_credits_tab_shows_balance_usable_and_what_expires_soon(qtbot: QtBot) -> None:
    soon, later, lapsed = _lot(2, 10), _lot(4, 200), _lot(1, -1)
    waiting = _lot(3, 60, id=None, kind=CreditEntryKind.PARTNER_ALLOCATION)
    credits = ClientCredits(uuid.uuid4(), 7, 6, 1, (lapsed, soon, later, waiting))
    found = expiring_soon(credits, NOW)
    assert found is not None and found.credits == 2

    panel = ClientLedgerPanel()
    qtbot.addWidget(panel)
    panel.show_credits(credits, LEDGER, NOW, LONDON)
    assert panel.balance.value.text() == "7 credits"
    assert panel.usable.value.text() == "6 credits (+3 partner, not yet credited); 1 lapsed"
    assert panel.expiring.value.text() == "2, from 14 Mar 2030"
    assert panel.pages.currentWidget() is panel.entries
    # The receipt of a purchase, not of a use.
    assert not panel.receipt_button.isEnabled()
    panel.select_entry(1)
    assert not panel.receipt_button.isEnabled()
    panel.select_entry(2)
    assert panel.receipt_button.isEnabled()
    with qtbot.waitSignal(panel.receipt_requested) as asked:
        panel.receipt_button.click()
    assert asked.args == ["RC-0000007"]

    # Without the ledger (it could not be read), the balance alone, nothing made up.
    panel.show_credits(None, [], NOW, LONDON, balance=-2)
    assert panel.balance.value.text() == "-2 credits"
    assert panel.balance.value.property("negative") is True
    assert panel.usable.value.text() == "—"
    assert panel.pages.currentWidget() is panel.empty
