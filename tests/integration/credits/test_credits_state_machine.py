"""The credit rules against an independent model, over random sequences of
buy / allocate / book with credits / cancel early or late / move the clock /
expire / adjust / revoke.

The model keeps every lot's remaining credits by the rules as the issue
states them (partner credits that fit first, then the soonest-expiring; a
late cancellation keeps the credits unless a manager overrides; credits
returned to a lapsed or revoked lot are gone), and after every step the
database must agree with it lot by lot, with no balance or lot below zero.

SQLite only: each example starts from a copy of one migrated database file,
which keeps a run to a few seconds; the rules themselves are the same code
on PostgreSQL, where test_credits.py and the stress tests cover them.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment, CancelAppointment, PaymentChoice
from desktop_app.bootstrap import AppContext, open_app
from desktop_app.clients.commands import RegisterClient
from desktop_app.credits.commands import (
    AdjustCredits,
    CreateCreditPack,
    ExpireCredits,
    SellCreditPack,
)
from desktop_app.credits.errors import NotEnoughCredits
from desktop_app.credits.ledger import load_lots
from desktop_app.infra.config import DatabaseChoice
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
    RevokeAllocation,
)
from desktop_app.partners.errors import ImportRefused
from models import AllocationStatus, CreditEntry, PartnerAllocation, PaymentMethod, Role, Service
from tests import factories

START = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)
# (minutes, credits): a partner-length session, a usual one, a double one.
SERVICES = {"partner": (25, 1), "individual": (50, 1), "couples": (80, 2)}
_TEMPLATE: dict[str, object] = {}


def _template() -> dict[str, object]:
    """One migrated clinic, made once; every example works on a copy of it."""
    if _TEMPLATE:
        return _TEMPLATE
    folder = Path(tempfile.mkdtemp(prefix="clinicdesk-credits-sm-"))
    path = folder / "template.sqlite3"
    ctx = open_app(DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), clock=FixedClock(START))
    try:
        with ctx.db.write_sessions.begin() as s:
            services = {
                key: Service(
                    name=key, duration_min=minutes, price_cents=5000, price_credits=credits
                )
                for key, (minutes, credits) in SERVICES.items()
            }
            s.add_all(services.values())
            s.flush()
            service_ids = {key: svc.id for key, svc in services.items()}
        pract, pid = factories.practitioner(
            ctx, "Dr Model", services=tuple(service_ids.values()), interval_min=60
        )
        ctx.bus.handle(
            SetWeeklyRules(
                practitioner_id=pid,
                blocks=tuple(WeeklyBlockInput(d, time(8), time(20)) for d in range(7)),
            ),
            pract,
        )
        desk = factories.staff(ctx, "Desk", Role.FRONT_DESK)
        manager = factories.staff(ctx, "Manager", Role.MANAGER)
        client = ctx.bus.handle(
            RegisterClient(full_name="Model Client", email="model@example.test"), desk
        )
        pack = ctx.bus.handle(
            CreateCreditPack(name="Two", credits=2, price_cents=9000, validity_months=1), manager
        )
        org = ctx.bus.handle(
            CreatePartnerOrganisation(
                name="Acme", default_credits=2, session_duration_min=25, validity_days=20
            ),
            manager,
        )
    finally:
        ctx.close()
    _TEMPLATE.update(
        folder=folder,
        path=path,
        services=service_ids,
        pid=pid,
        desk=desk,
        manager=manager,
        client=client,
        pack=pack,
        org=org,
    )
    return _TEMPLATE


@dataclass
class ModelLot:
    id: uuid.UUID
    amount: int
    left: int
    created: datetime
    expires: datetime | None
    # Partner lots: their allocation, which pays only 25-minute sessions.
    allocation: uuid.UUID | None = None
    revoked: bool = False
    expired_by_job: bool = False

    def key(self) -> tuple[bool, datetime, datetime, str]:
        never = self.expires is None
        return (never, self.expires or self.created, self.created, str(self.allocation or self.id))

    def usable(self, now: datetime) -> bool:
        lapsed = self.expires is not None and self.expires <= now
        return self.left > 0 and not lapsed and not self.revoked and not self.expired_by_job

    def status(self) -> AllocationStatus:
        if self.revoked:
            return AllocationStatus.REVOKED
        if self.expired_by_job:
            return AllocationStatus.EXPIRED
        return AllocationStatus.USED if self.left == 0 else AllocationStatus.ACTIVE


@dataclass
class ModelAppointment:
    id: uuid.UUID
    starts_at: datetime
    draws: dict[uuid.UUID, int] = field(default_factory=dict)
    cancelled: bool = False


class CreditMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        t = _template()
        folder = t["folder"]
        assert isinstance(folder, Path)
        path = folder / f"{uuid.uuid4().hex}.sqlite3"
        shutil.copy(t["path"], path)  # type: ignore[arg-type]
        self.path = path
        self.clock = FixedClock(START)
        self.ctx: AppContext = open_app(
            DatabaseChoice(make_url(f"sqlite:///{path}"), "test"), migrate=False, clock=self.clock
        )
        self.t = t
        self.client: uuid.UUID = t["client"]  # type: ignore[assignment]
        self.desk: Actor = t["desk"]  # type: ignore[assignment]
        self.manager: Actor = t["manager"]  # type: ignore[assignment]
        self.lots: dict[uuid.UUID, ModelLot] = {}
        self.appointments: list[ModelAppointment] = []
        self.last_start = START

    def teardown(self) -> None:
        try:
            assert [f for f in run_checks(self.ctx.db) if not f.ok] == []
        finally:
            self.ctx.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # -- helpers ---------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def handle(self, command: object, actor: Actor) -> object:
        return self.ctx.bus.handle(command, actor)  # type: ignore[arg-type]

    def new_lot_ids(self) -> set[uuid.UUID]:
        with self.ctx.db.read_sessions() as s:
            found = {lot.id for lot in load_lots(s, self.client)}
        return {i for i in found if i is not None} - self.lots.keys()

    def next_slot(self) -> datetime:
        """A free start at least two days ahead, after every earlier booking."""
        start = max(self.now + timedelta(hours=49), self.last_start + timedelta(hours=2))
        start = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        if start.hour < 9 or start.hour > 16:
            start = datetime.combine(start.date() + timedelta(days=1), time(9), UTC)
        self.last_start = start
        return start

    def spending_order(self, duration: int | None, partner_only: bool) -> list[ModelLot]:
        usable = [lot for lot in self.lots.values() if lot.usable(self.now)]
        own = sorted((lot for lot in usable if lot.allocation is None), key=ModelLot.key)
        partner = sorted((lot for lot in usable if lot.allocation is not None), key=ModelLot.key)
        if duration is None:
            return own + partner
        fitting = [lot for lot in partner if duration == 25]
        return fitting if partner_only else fitting + own

    @staticmethod
    def take(order: list[ModelLot], cost: int) -> dict[uuid.UUID, int] | None:
        draws: dict[uuid.UUID, int] = {}
        for lot in order:
            if cost == 0:
                break
            n = min(cost, lot.left)
            draws[lot.id] = n
            cost -= n
        return draws if cost == 0 else None

    def write_off_if_dead(self, lot: ModelLot) -> None:
        lapsed = lot.expires is not None and lot.expires <= self.now
        if lot.revoked or lapsed:
            lot.left = 0
            if lapsed and lot.allocation is not None and not lot.revoked:
                lot.expired_by_job = True

    # -- rules -----------------------------------------------------------------------

    @initialize()
    def some_credits_to_start_with(self) -> None:
        self.buy()
        self.allocate(2)

    @rule()
    def buy(self) -> None:
        sale = self.handle(
            SellCreditPack(
                client_id=self.client,
                pack_id=self.t["pack"],  # type: ignore[arg-type]
                amount_cents=9000,
                currency="EUR",
                method=PaymentMethod.CASH,
            ),
            self.desk,
        )
        [lot_id] = self.new_lot_ids()
        assert sale.lot_id == lot_id  # type: ignore[attr-defined]
        self.lots[lot_id] = ModelLot(lot_id, 2, 2, self.now, self.now + relativedelta(months=1))

    @rule(credits=st.integers(1, 3))
    def allocate(self, credits: int) -> None:
        blocking = any(
            lot.allocation is not None
            and lot.status() is AllocationStatus.ACTIVE
            and lot.expires is not None
            and lot.expires > self.now
            for lot in self.lots.values()
        )
        command = AllocatePartnerCredits(
            organisation_id=self.t["org"],  # type: ignore[arg-type]
            allocation=AllocationInput("model@example.test", credits),
        )
        if blocking:
            try:
                self.handle(command, self.manager)
            except ImportRefused:
                return
            raise AssertionError("a second active allocation was accepted")
        result = self.handle(command, self.manager)
        [allocation_id] = result.allocation_ids  # type: ignore[attr-defined]
        [lot_id] = self.new_lot_ids()
        self.lots[lot_id] = ModelLot(
            lot_id,
            credits,
            credits,
            self.now,
            self.now + timedelta(days=20),
            allocation=allocation_id,
        )

    @rule(
        service=st.sampled_from(sorted(SERVICES)),
        partner_only=st.booleans(),
    )
    def book(self, service: str, partner_only: bool) -> None:
        minutes, cost = SERVICES[service]
        draws = self.take(self.spending_order(minutes, partner_only), cost)
        command = BookAppointment(
            client_id=self.client,
            practitioner_id=self.t["pid"],  # type: ignore[arg-type]
            service_id=self.t["services"][service],  # type: ignore[index]
            starts_at=self.next_slot(),
            payment=PaymentChoice.PARTNER if partner_only else PaymentChoice.CREDITS,
        )
        if draws is None:
            try:
                self.handle(command, self.desk)
            except NotEnoughCredits:
                event("booking refused")
                return
            raise AssertionError("booked without enough credits")
        result = self.handle(command, self.desk)
        event(f"booked {service} with {len(draws)} lot(s)")
        assert result.credits_used == cost  # type: ignore[attr-defined]
        for lot_id, n in draws.items():
            self.lots[lot_id].left -= n
        self.appointments.append(
            ModelAppointment(result.appointment_id, command.starts_at, draws)  # type: ignore[attr-defined]
        )

    @precondition(lambda self: any(not a.cancelled for a in self.appointments))
    @rule(data=st.data(), late=st.booleans(), override=st.booleans())
    def cancel(self, data: st.DataObject, late: bool, override: bool) -> None:
        live = [a for a in self.appointments if not a.cancelled]
        a = data.draw(st.sampled_from(live))
        if late:
            self.clock.set(max(self.now, a.starts_at - timedelta(hours=2)))
        in_time = a.starts_at - self.now >= timedelta(hours=24)
        refunds = in_time or override
        result = self.handle(
            CancelAppointment(
                appointment_id=a.id,
                reason="test",
                refund_override_reason="manager says so" if override else None,
            ),
            self.manager if override else self.desk,
        )
        a.cancelled = True
        event(f"cancelled, refunds={refunds}")
        held = sum(a.draws.values())
        assert result.credits_returned == (held if refunds else 0)  # type: ignore[attr-defined]
        if refunds:
            for lot_id, n in a.draws.items():
                lot = self.lots[lot_id]
                lot.left += n
                self.write_off_if_dead(lot)
        # Cancelling again returns nothing more.
        again = self.handle(CancelAppointment(appointment_id=a.id, reason="again"), self.desk)
        assert again.credits_returned == 0  # type: ignore[attr-defined]

    @rule(days=st.integers(1, 12))
    def let_time_pass(self, days: int) -> None:
        self.clock.advance(timedelta(days=days))

    @rule()
    def expire(self) -> None:
        lapsed = [
            lot
            for lot in self.lots.values()
            if lot.left > 0 and lot.expires is not None and lot.expires <= self.now
        ]
        result = self.handle(ExpireCredits(now=self.now), Actor.system())
        assert result.lots == len(lapsed)  # type: ignore[attr-defined]
        assert result.credits == sum(lot.left for lot in lapsed)  # type: ignore[attr-defined]
        event(f"expired {len(lapsed)} lot(s)")
        for lot in lapsed:
            lot.left = 0
            if lot.allocation is not None and not lot.revoked:
                lot.expired_by_job = True

    @rule(amount=st.sampled_from((-3, -2, -1, 1, 2, 3)))
    def adjust(self, amount: int) -> None:
        command = AdjustCredits(client_id=self.client, amount=amount, reason="correction")
        if amount > 0:
            self.handle(command, self.manager)
            [lot_id] = self.new_lot_ids()
            self.lots[lot_id] = ModelLot(lot_id, amount, amount, self.now, None)
            return
        draws = self.take(self.spending_order(None, False), -amount)
        if draws is None:
            try:
                self.handle(command, self.manager)
            except NotEnoughCredits:
                return
            raise AssertionError("took more credits than were usable")
        self.handle(command, self.manager)
        for lot_id, n in draws.items():
            self.lots[lot_id].left -= n

    @precondition(
        lambda self: any(
            lot.allocation is not None and lot.status() is not AllocationStatus.EXPIRED
            for lot in self.lots.values()
        )
    )
    @rule(data=st.data())
    def revoke(self, data: st.DataObject) -> None:
        # In the order they were made: ids are random, and what is drawn must
        # not depend on them when hypothesis replays an example.
        candidates = [
            lot
            for lot in self.lots.values()
            if lot.allocation is not None and lot.status() is not AllocationStatus.EXPIRED
        ]
        lot = data.draw(st.sampled_from(candidates))
        taken = self.handle(
            RevokeAllocation(allocation_id=lot.allocation, reason="left"),  # type: ignore[arg-type]
            self.manager,
        )
        assert taken == (0 if lot.revoked else lot.left)
        lot.left = 0
        lot.revoked = True

    # -- what must always hold -------------------------------------------------------

    @invariant()
    def the_database_agrees_with_the_model(self) -> None:
        with self.ctx.db.read_sessions() as s:
            lots = {lot.id: lot for lot in load_lots(s, self.client)}
            balance = s.scalar(
                select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(
                    CreditEntry.client_id == self.client
                )
            )
            statuses = dict(s.execute(select(PartnerAllocation.id, PartnerAllocation.status)).all())
        assert {i: lot.left for i, lot in lots.items()} == {
            i: lot.left for i, lot in self.lots.items()
        }
        assert all(0 <= lot.left <= lot.credits for lot in lots.values())
        assert balance == sum(lot.left for lot in self.lots.values()) >= 0
        assert statuses == {
            lot.allocation: lot.status() for lot in self.lots.values() if lot.allocation is not None
        }


CreditMachine.TestCase.settings = settings(
    max_examples=12,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestCreditRules = CreditMachine.TestCase
