"""How a booking is paid: at the desk, with the client's credits, or with a
partner organisation's credit, and what each would draw.

The plan shown is the core's own (desktop_app.ledger.credit_plan), read in
the background whenever the client or the service changes, so the preview
and the charge the booking makes follow the same rule. The core still has
the last word: credits another desk spent meanwhile are refused at booking.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.booking.cancellation import credits_text
from desktop_app.booking.commands import PaymentChoice
from desktop_app.clinic.queries import ServiceRow
from desktop_app.credits import ledger
from desktop_app.credits.ledger import CreditPlan, PlannedDraw
from desktop_app.credits.receipts import format_money
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ClinicdeskError
from ui.kit.ops import run_in_background


@dataclass(frozen=True)
class CreditOutlook:
    """A client's credits as they bear on one service (read on a worker)."""

    client_id: uuid.UUID
    service_id: uuid.UUID
    # What the client can spend now, partner credits waiting for their
    # e-mail included (booking credits those to them first).
    usable: int
    credits: CreditPlan
    partner: CreditPlan
    # Usable partner credits of any length: (organisation, session minutes).
    partner_lots: tuple[tuple[str, int | None], ...]


def load_credit_outlook(
    ctx: Core, client_id: uuid.UUID, service_id: uuid.UUID, at: datetime
) -> CreditOutlook:
    mine, plans = ledger.credit_outlook(ctx.db, client_id, service_id, at)
    waiting = sum(lot.left for lot in mine.lots if lot.id is None)
    partner_lots = tuple(
        (lot.organisation_name or "Partner", lot.session_duration_min)
        for lot in mine.lots
        if lot.is_partner and lot.usable(at)
    )
    return CreditOutlook(
        client_id,
        service_id,
        mine.usable + waiting,
        plans[PaymentChoice.CREDITS],
        plans[PaymentChoice.PARTNER],
        partner_lots,
    )


def usable_credits(ctx: Core, client_id: uuid.UUID, at: datetime) -> int:
    mine = ledger.client_credits(ctx.db, client_id, at)
    return mine.usable + sum(lot.left for lot in mine.lots if lot.id is None)


def draws_text(draws: tuple[PlannedDraw, ...]) -> str:
    """'Acme Ltd partner credits (expires 3 Feb 2027)', or per lot with counts."""

    def one(d: PlannedDraw) -> str:
        # With the year: packs run for months, so "8 Nov" could be either side of today.
        expiry = f" (expires {d.expires_at.day} {d.expires_at:%b %Y})" if d.expires_at else ""
        return f"{d.description}{expiry}"

    if len(draws) == 1:
        return one(draws[0])
    return ", ".join(f"{d.credits} from {one(d)}" for d in draws)


def default_choice(outlook: CreditOutlook) -> PaymentChoice:
    """What the desk most likely wants, before they say otherwise.

    A partner credit that fits comes first: the employer pays, and a client
    who came through their employer expects nothing of their own to be
    spent. Then the client's own credits when they cover the service: they
    were bought for exactly this, and taking money from someone holding
    prepaid credits would surprise them. Otherwise money at the desk.
    """
    if outlook.partner.enough and outlook.partner.cost is not None:
        return PaymentChoice.PARTNER
    if outlook.credits.enough and outlook.credits.cost is not None:
        return PaymentChoice.CREDITS
    return PaymentChoice.DESK


class PaymentChoicePanel(QWidget):
    """The three ways to pay, with the chosen one's effect on the credits."""

    # The client's credits were read (or could not be).
    settled = Signal()

    def __init__(self, ctx: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.outlook: CreditOutlook | None = None
        self._key: tuple[uuid.UUID, uuid.UUID] | None = None
        self._client_name = ""
        self._service: ServiceRow | None = None
        self._seq = 0
        self._loading = False
        self._error = ""
        # The desk picked a payment themselves: reloads do not override it.
        self._chosen_by_desk = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.group = QButtonGroup(self)
        self.pay_at_desk = QRadioButton("Pay at the desk")
        self.pay_at_desk.setChecked(True)
        self.pay_credits = QRadioButton("Client's credits")
        self.pay_partner = QRadioButton("Partner organisation credit")
        self._radios = {
            PaymentChoice.DESK: self.pay_at_desk,
            PaymentChoice.CREDITS: self.pay_credits,
            PaymentChoice.PARTNER: self.pay_partner,
        }
        for i, radio in enumerate(self._radios.values()):
            self.group.addButton(radio, i)
            layout.addWidget(radio)
        self.group.buttonClicked.connect(self._clicked)
        self.note = QLabel()
        self.note.setObjectName("previewLine")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self._show()

    # --- state -------------------------------------------------------------

    @property
    def choice(self) -> PaymentChoice:
        return next(c for c, r in self._radios.items() if r.isChecked())

    def choose(self, choice: PaymentChoice) -> None:
        """As if the desk clicked it."""
        self._radios[choice].click()

    def is_idle(self) -> bool:
        return not self._loading

    def plan(self) -> CreditPlan | None:
        """The plan for the chosen credit payment, when it is loaded and current."""
        if self.outlook is None or self._key is None or self.choice is PaymentChoice.DESK:
            return None
        partner = self.choice is PaymentChoice.PARTNER
        return self.outlook.partner if partner else self.outlook.credits

    def refusal(self) -> str | None:
        """Why booking with the chosen payment cannot work, as far as is known here."""
        plan = self.plan()
        if plan is None or plan.enough:
            return None
        return plan.message

    # --- loading -----------------------------------------------------------

    def set_context(
        self, client_id: uuid.UUID | None, client_name: str, service: ServiceRow | None
    ) -> None:
        """Show the payment for this client and service, reading their credits."""
        if client_id is None or self._key is None or client_id != self._key[0]:
            # Another person: what was chosen for the last one does not carry over.
            self._chosen_by_desk = False
        self._client_name = client_name
        self._service = service
        key = (client_id, service.id) if client_id is not None and service is not None else None
        if key == self._key and (self.outlook is not None or self._loading):
            self._show()
            return
        self._key = key
        self.outlook = None
        self._error = ""
        if key is None:
            self._seq += 1
            self._loading = False
            self._show()
            self.settled.emit()
            return
        self.reload()

    def reload(self, *, keep_choice: bool = False) -> None:
        """Read the credits again; `keep_choice`: whatever they say, the
        payment stays as chosen (after a refusal, switching it silently
        would let the next Enter book a payment nobody agreed to)."""
        if self._key is None:
            return
        self._chosen_by_desk = self._chosen_by_desk or keep_choice
        self._seq += 1
        seq, (client_id, service_id) = self._seq, self._key
        ctx, now = self.ctx, self.ctx.clock.now()
        self._loading = True
        self._show()
        run_in_background(
            self,
            lambda: load_credit_outlook(ctx, client_id, service_id, now),
            lambda outlook: self._loaded(seq, outlook),
            lambda exc: self._failed(seq, exc),
        )

    def _loaded(self, seq: int, outlook: CreditOutlook) -> None:
        if seq != self._seq:
            return
        self._loading = False
        self.outlook = outlook
        self._show()
        self.settled.emit()

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        self._loading = False
        self._error = str(exc) if isinstance(exc, ClinicdeskError) else f"{exc}"
        self._show()
        self.settled.emit()

    def _clicked(self) -> None:
        self._chosen_by_desk = True
        self._show()

    # --- showing -----------------------------------------------------------

    def _show(self) -> None:
        service, outlook = self._service, self.outlook
        desk = "Pay at the desk"
        if service is not None:
            desk += f" — {format_money(service.price_cents, service.currency)}"
        self.pay_at_desk.setText(desk)
        priced = service is not None and service.price_credits is not None
        self.pay_credits.setText(
            f"Client's credits — {outlook.usable} usable" if outlook else "Client's credits"
        )
        self.pay_credits.setEnabled(priced)
        partner_ok = outlook is not None and outlook.partner.enough
        self.pay_partner.setText(self._partner_label(outlook))
        self.pay_partner.setEnabled(priced and partner_ok)

        if outlook is not None and not self._chosen_by_desk:
            self._radios[default_choice(outlook)].setChecked(True)
        if not self._radios[self.choice].isEnabled():
            self.pay_at_desk.setChecked(True)
        self.note.setText(self._note_text())
        self._fit_note()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_note()

    def _fit_note(self) -> None:
        # A wrapped label's minimum is one line; when the dialog shows a
        # message below, the layout would squeeze it and clip the text.
        self.note.setMinimumHeight(self.note.heightForWidth(self.width()))

    def _partner_label(self, outlook: CreditOutlook | None) -> str:
        label = "Partner organisation credit"
        if outlook is None or self._service is None:
            return label
        duration = self._service.duration_min
        if outlook.partner.enough:
            names = sorted({o for o, m in outlook.partner_lots if m in (None, duration)})
            return f"{label} — {names[0]}" if len(names) == 1 else label
        if not outlook.partner_lots:
            return f"{label} — none for this client"
        lengths = sorted({m for _, m in outlook.partner_lots if m is not None})
        if lengths and duration not in lengths:
            minutes = " or ".join(str(m) for m in lengths)
            return f"{label} — only for {minutes}-min sessions"
        return f"{label} — not enough"

    def _note_text(self) -> str:
        service, outlook = self._service, self.outlook
        if self._error:
            return f"Could not read the client's credits: {self._error}"
        if self._key is None:
            return "Choose the client to see their credits." if service else ""
        if self._loading or outlook is None:
            return f"Looking up {self._client_name or 'the client'}'s credits…"
        balance = f"Balance {credits_text(outlook.usable)}"
        choice = self.choice
        if service is not None and service.price_credits is None:
            return f"{balance} · {service.name} cannot be paid with credits."
        if choice is PaymentChoice.DESK:
            return f"{balance} · none used: paid at the desk."
        plan = outlook.partner if choice is PaymentChoice.PARTNER else outlook.credits
        if plan.cost is None:
            return plan.message
        if not plan.enough:
            which = "partner credits" if choice is PaymentChoice.PARTNER else "credits"
            text = (
                f"Not enough {which}: {plan.usable} usable, {plan.cost} needed — "
                "choose another payment."
            )
            if "pay only for" in plan.message:
                text += " " + plan.message[plan.message.index("(") :]
            return text
        return f"{balance} · this uses {plan.cost}: {draws_text(plan.draws)}"

    def confirmation_line(self, credits_used: int, left: int | None) -> str:
        """How the booking was paid, for the confirmation page."""
        service = self._service
        if not credits_used:
            price = format_money(service.price_cents, service.currency) if service else ""
            return f"Payment: at the desk{', ' + price if price else ''}"
        text = f"Payment: {credits_text(credits_used)}"
        plan = self.plan()
        if plan is not None and plan.enough and plan.cost == credits_used:
            # What was planned is what was drawn unless another desk got there first.
            drawn = draws_text(plan.draws)
            text += f" from {drawn}" if len(plan.draws) == 1 else f": {drawn}"
        if left is not None:
            text += f"\nBalance now {credits_text(left)}"
        return text
