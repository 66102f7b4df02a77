"""A small clinic for the credit and partner tests: services priced in
credits, a practitioner open every day, a desk, a manager, a client and a pack."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.booking.commands import BookAppointment, CancelAppointment, PaymentChoice
from desktop_app.booking.results import BookingResult
from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.clients.commands import RegisterClient
from desktop_app.credits.commands import CreateCreditPack, SellCreditPack
from desktop_app.credits.results import CancelResult, SaleResult
from desktop_app.infra.doctor import run_checks
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from models import Appointment, CreditEntry, PaymentMethod, Role, Service
from tests import factories

# A Monday morning.
NOW = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """`days` after NOW's date, at hour:minute UTC."""
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), UTC)


class CreditClinic:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.db = app.db
        self.clock = FixedClock(NOW)
        self.bus = build_bus(app.db, self.clock)
        with app.db.write_sessions.begin() as s:
            services = {
                "individual": Service(
                    name="Individual", duration_min=50, price_cents=7500, price_credits=1
                ),
                "partner": Service(
                    name="Partner session", duration_min=25, price_cents=4500, price_credits=1
                ),
                "couples": Service(
                    name="Couples", duration_min=80, price_cents=11000, price_credits=2
                ),
                "checkup": Service(name="Check-up", duration_min=30, price_cents=5500),
            }
            s.add_all(services.values())
            s.flush()
            self.services = {key: svc.id for key, svc in services.items()}
        self.individual = self.services["individual"]
        self.partner_service = self.services["partner"]
        self.couples = self.services["couples"]
        self.checkup = self.services["checkup"]
        self.pract, self.pid = factories.practitioner(
            app, "Dr Ada", services=tuple(self.services.values()), interval_min=60
        )
        self.bus.handle(
            SetWeeklyRules(
                practitioner_id=self.pid,
                blocks=tuple(WeeklyBlockInput(d, time(8), time(20)) for d in range(7)),
            ),
            self.pract,
        )
        self.desk = factories.staff(app, "Dee Desk", Role.FRONT_DESK)
        self.manager = factories.staff(app, "Mo Manager", Role.MANAGER)
        self.system = Actor.system()
        self.client = self.register("Siân Jones", email="sian@example.test")
        self.pack = self.bus.handle(
            CreateCreditPack(name="Five sessions", credits=5, price_cents=30000, validity_months=6),
            self.manager,
        )

    def register(self, name: str, **kw: object) -> uuid.UUID:
        cid = self.bus.handle(RegisterClient(full_name=name, **kw), self.desk)  # type: ignore[arg-type]
        assert isinstance(cid, uuid.UUID)
        return cid

    def sell(self, client: uuid.UUID | None = None, **kw: object) -> SaleResult:
        values: dict[str, object] = {
            "client_id": client or self.client,
            "pack_id": self.pack,
            "amount_cents": 30000,
            "currency": "EUR",
            "method": PaymentMethod.CARD,
        }
        values.update(kw)
        result = self.bus.handle(SellCreditPack(**values), self.desk)  # type: ignore[arg-type]
        assert isinstance(result, SaleResult)
        return result

    def book(
        self,
        starts_at: datetime,
        *,
        service: uuid.UUID | None = None,
        client: uuid.UUID | None = None,
        payment: PaymentChoice = PaymentChoice.CREDITS,
        who: Actor | None = None,
    ) -> BookingResult:
        result = self.bus.handle(
            BookAppointment(
                client_id=client or self.client,
                practitioner_id=self.pid,
                service_id=service or self.individual,
                starts_at=starts_at,
                payment=payment,
            ),
            who or self.desk,
        )
        assert isinstance(result, BookingResult)
        return result

    def cancel(
        self, appointment_id: uuid.UUID, *, who: Actor | None = None, override: str | None = None
    ) -> CancelResult:
        result = self.bus.handle(
            CancelAppointment(
                appointment_id=appointment_id,
                reason="client is unwell",
                refund_override_reason=override,
            ),
            who or self.desk,
        )
        assert isinstance(result, CancelResult)
        return result

    def balance(self, client: uuid.UUID | None = None) -> int:
        """The ledger's sum, read directly."""
        with self.db.read_sessions() as s:
            return int(
                s.scalar(
                    select(func.coalesce(func.sum(CreditEntry.amount), 0)).where(
                        CreditEntry.client_id == (client or self.client)
                    )
                )
                or 0
            )

    def entries(self, client: uuid.UUID | None = None) -> list[CreditEntry]:
        with self.db.read_sessions() as s:
            return list(
                s.scalars(
                    select(CreditEntry)
                    .where(CreditEntry.client_id == (client or self.client))
                    .order_by(CreditEntry.created_at, CreditEntry.amount.desc())
                )
            )

    def appointments(self) -> int:
        with self.db.read_sessions() as s:
            return s.scalar(select(func.count()).select_from(Appointment)) or 0

    def assert_doctor_clean(self) -> None:
        assert [f for f in run_checks(self.db) if not f.ok] == []
