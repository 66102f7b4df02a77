"""Screenshots of a client's credits: the ledger in the client's record (50),
the sell-pack dialog filled in (51) and a receipt of a past sale (52).

Rendering only reads: the dialog is filled in but never submitted, and the
receipt is one the clinic already issued.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from desktop_app.bootstrap import AppContext
from desktop_app.credits.ledger import credit_packs
from desktop_app.kernel.actor import Actor
from models import Client, CreditEntry, CreditEntryKind, Payment
from models.enums import PaymentMethod
from tools.screenshots.support import (
    centre_over,
    close,
    open_window,
    save,
    save_with_dialog,
    wait_until,
)
from ui.clients.page import ClientsView
from ui.kit.ops import pending_operations

CREDIT_SCREENS = ("50-client-ledger.png", "51-sell-pack.png", "52-receipt.png")
# Ledger entries on screen in the record at the screenshot's window size.
VISIBLE_ENTRIES = 4


def example_credit_client(ctx: AppContext) -> tuple[uuid.UUID, str, uuid.UUID] | None:
    """(client, name, their latest pack payment): someone who bought credits, still
    has some, whose purchase is among the first entries shown (newest first), and
    whose ledger has the most kinds of entry to show."""
    with ctx.db.read_sessions() as s:
        rows = s.execute(
            select(CreditEntry.client_id, CreditEntry.kind, CreditEntry.amount, Client.full_name)
            .join(Client, Client.id == CreditEntry.client_id)
            .where(Client.archived_at.is_(None))
            .order_by(CreditEntry.created_at.desc(), CreditEntry.id)
        ).all()
        ledgers: dict[uuid.UUID, list[tuple[CreditEntryKind, int]]] = {}
        names: dict[uuid.UUID, str] = {}
        for client_id, kind, amount, name in rows:
            ledgers.setdefault(client_id, []).append((kind, amount))
            names[client_id] = name

        def score(client_id: uuid.UUID) -> tuple[bool, int, int, str]:
            entries = ledgers[client_id]
            recent = any(k is CreditEntryKind.PURCHASE for k, _ in entries[:VISIBLE_ENTRIES])
            return (recent, len({k for k, _ in entries}), len(entries), names[client_id])

        candidates = [
            c
            for c, entries in ledgers.items()
            if sum(a for _, a in entries) > 0
            and any(k is CreditEntryKind.PURCHASE for k, _ in entries)
        ]
        if not candidates:
            return None
        best = max(candidates, key=score)
        payment_id = s.scalar(
            select(Payment.id)
            .join(CreditEntry, CreditEntry.payment_id == Payment.id)
            .where(Payment.client_id == best, CreditEntry.kind == CreditEntryKind.PURCHASE)
            .order_by(Payment.received_at.desc())
            .limit(1)
        )
    if payment_id is None:
        return None
    return best, names[best], payment_id


def render_credit_screens(ctx: AppContext, manager: Actor, out_dir: Path) -> list[Path]:
    example = example_credit_client(ctx)
    if example is None:
        return []
    client_id, name, payment_id = example
    paths: list[Path] = []
    window = open_window(ctx, manager)
    try:
        view = window.show_page("clients")
        assert isinstance(view, ClientsView)
        view.ensure_loaded()
        # Their first name, as a desk types it: a few people match, one chosen.
        view.open_client(client_id, name.split()[0])
        wait_until(
            lambda: (
                view.search_settled()
                and view.record is not None
                and view.record.id == client_id
                and view.is_loaded()
                and pending_operations() == 0
            )
        )
        view.record_panel.show_credits_tab()
        credits = view.record_panel.credits
        # The purchase on screen selected: its receipt is one click away.
        for row in range(min(VISIBLE_ENTRIES, credits.model.rowCount())):
            if credits.model.row_at(row).receipt_number:
                credits.select_entry(row)
                break
        wait_until(lambda: True)
        paths.append(save(window, out_dir / CREDIT_SCREENS[0]))

        view.sell_pack()
        dialog = view.sell_dialog
        assert dialog is not None
        wait_until(lambda: dialog.is_loaded() and pending_operations() == 0)
        packs = credit_packs(ctx.db)
        if len(packs) > 1:
            dialog.select_pack(packs[1].id)
        dialog.method_buttons[PaymentMethod.CASH].setChecked(True)
        dialog.adjustSize()
        centre_over(dialog, window)
        wait_until(lambda: True)
        paths.append(save_with_dialog(window, dialog, out_dir / CREDIT_SCREENS[1]))
        dialog.reject()

        view.show_receipt(payment_id=payment_id)
        receipt = view.receipt_window
        assert receipt is not None
        wait_until(lambda: receipt.is_loaded() and pending_operations() == 0)
        centre_over(receipt, window)
        wait_until(lambda: True)
        paths.append(save_with_dialog(window, receipt, out_dir / CREDIT_SCREENS[2]))
        receipt.close()
    finally:
        close(window)
    return paths
