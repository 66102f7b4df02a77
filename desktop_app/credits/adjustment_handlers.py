"""A manager's adjustment of a client's credits: credits given, or taken back."""

from __future__ import annotations

from desktop_app.booking.commands import PaymentChoice
from desktop_app.credits.commands import MAX_ADJUSTMENT, AdjustCredits
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.credits.ledger import load_lots, plan_draws, spending_order
from desktop_app.credits.ledger_writes import (
    allocation_of,
    done_before,
    get_client,
    lock_client_credits,
    new_entry,
    require_aware,
    whole_number,
    write_entries,
)
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from desktop_app.kernel.validation import require_text
from models import AllocationStatus, CreditEntryKind, Role

MANAGERS = frozenset({Role.MANAGER})


def adjust_credits(uow: UnitOfWork, cmd: AdjustCredits, actor: Actor) -> Outcome:
    amount = whole_number(cmd.amount, "adjustment")
    if amount == 0:
        raise ValidationError("An adjustment of 0 credits changes nothing.")
    if abs(amount) > MAX_ADJUSTMENT:
        raise ValidationError(f"Adjust by at most {MAX_ADJUSTMENT} credits at a time.")
    reason = require_text(cmd.reason, "reason for the adjustment", 500)
    client = get_client(uow, cmd.client_id)
    now = uow.clock.now()
    if cmd.expires_at is not None:
        if amount < 0:
            raise ValidationError("Only credits given can have an expiry date.")
        if require_aware(cmd.expires_at, "expiry date") <= now:
            raise ValidationError("The expiry date must be in the future.")

    lock_client_credits(uow, [client.id])
    if done_before(uow, cmd.command_id):
        return Outcome(no_change=True)
    if amount > 0:
        lot = new_entry(uow, actor, client.id, CreditEntryKind.ADJUSTMENT, amount, reason, at=now)
        lot.expires_at = cmd.expires_at
        lot.command_id = cmd.command_id
        write_entries(uow, [lot])
    else:
        ordered = spending_order(
            load_lots(uow.session, client.id), now, None, PaymentChoice.CREDITS
        )
        draws = plan_draws(ordered, -amount)
        if draws is None:
            usable = sum(lot.left for lot in ordered)
            raise NotEnoughCredits(
                f"Not enough credits: {client.full_name} has {usable} usable credits; "
                f"{-amount} cannot be taken.",
                usable=usable,
                needed=-amount,
            )
        write_entries(
            uow,
            [
                new_entry(
                    uow,
                    actor,
                    client.id,
                    CreditEntryKind.ADJUSTMENT,
                    -d.credits,
                    reason,
                    lot=d.lot,
                    command_id=cmd.command_id,
                )
                for d in draws
            ],
        )
        for d in draws:
            allocation = allocation_of(uow, d.lot)
            if allocation is not None and d.credits >= d.lot.left:
                allocation.status = AllocationStatus.USED
    return Outcome(target=f"client:{client.id}", changes={"amount": amount})


HANDLERS: HandlerTable = {
    AdjustCredits: HandlerSpec(adjust_credits, roles=MANAGERS),
}
