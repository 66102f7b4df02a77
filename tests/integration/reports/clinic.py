"""A hand-counted month for the report tests (July 2030, Europe/London, UTC+1).

Practitioner Ada works Monday to Friday 09:00-17:00; the clinic is closed on
Monday 15 July (a holiday); Ada also works Saturday 6 July 10:00-12:00 and is
off on Wednesday 10 July (date overrides). Bea works Wednesdays 10:00-12:00,
except the first Wednesday of each month (a recurring exception).

    Ada: 23 weekdays - holiday - day off = 21 × 8 h + 2 h on the Saturday = 170 h
    Bea: 5 Wednesdays - the first = 4 × 2 h = 8 h

Sessions (local times):
    a1  Tue  2 Jul 10:00-10:50  Ada  completed  client Xavier (returning: seen in June)
    a2  Wed 31 Jul 23:30-00:20  Ada  booked     client Yann   (new)  ← the month's last evening
    a3  Thu  1 Aug 00:30-01:20  Ada  booked     (August, not July, though 31 Jul in UTC)
    a4  Wed  3 Jul 11:00-11:50  Ada  no-show    client "=cmd|' /C calc'!A0"
    a5  Thu  4 Jul 12:00-12:50  Ada  cancelled 2 h before (late)       by phone
    a6  Fri  5 Jul 12:00-12:50  Ada  cancelled 48 h before (in time)   by phone
    b1  Wed 17 Jul 10:00-11:00  Bea  completed  client Zoe (new)       by the practitioner
    x0  Mon 10 Jun 10:00-10:50  Ada  completed  client Xavier
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.kernel.clock import FixedClock
from models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Client,
    ClinicHoliday,
    CreditEntry,
    CreditEntryKind,
    DateOverride,
    OverrideBlock,
    Payment,
    PaymentMethod,
    RecurringException,
    Role,
)
from tests import factories

LONDON = ZoneInfo("Europe/London")
JULY = (date(2030, 7, 1), date(2030, 7, 31))


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), LONDON)


class JulyClinic:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.db = app.db
        self.clock = FixedClock(local(date(2030, 7, 20), 12))
        self.bus = build_bus(app.db, self.clock)
        self.service = factories.service(app, "Individual", 50)
        weekdays = tuple((d, time(9), time(17)) for d in range(5))
        self.ada_actor, self.ada = factories.practitioner(
            app, "Ada Alder", services=(self.service,), weekly=weekdays
        )
        self.bea_actor, self.bea = factories.practitioner(
            app, "Bea Birch", services=(self.service,), weekly=((2, time(10), time(12)),)
        )
        self.desk = factories.staff(app, "Dee Desk", Role.FRONT_DESK)
        with self.db.write_sessions.begin() as s:
            s.add(ClinicHoliday(day=date(2030, 7, 15), name="Summer holiday"))
            saturday = DateOverride(practitioner_id=self.ada, day=date(2030, 7, 6), reason="")
            saturday.blocks.append(OverrideBlock(start_time=time(10), end_time=time(12)))
            s.add(saturday)
            s.add(DateOverride(practitioner_id=self.ada, day=date(2030, 7, 10), reason="Off"))
            s.add(
                RecurringException(
                    practitioner_id=self.bea,
                    rrule="FREQ=MONTHLY;BYDAY=1WE",
                    starts_on=date(2030, 1, 1),
                    reason="Team meeting",
                )
            )
            self.xavier = self._client(s, "Xavier Returning")
            self.yann = self._client(s, "Yann New")
            self.zoe = self._client(s, "Zoe New")
            self.mallory = self._client(s, "=cmd|' /C calc'!A0")
        d = date
        self.x0 = self.appt(
            self.ada, local(d(2030, 6, 10), 10), 50, AppointmentStatus.COMPLETED, self.xavier
        )
        self.a1 = self.appt(
            self.ada, local(d(2030, 7, 2), 10), 50, AppointmentStatus.COMPLETED, self.xavier
        )
        self.a2 = self.appt(
            self.ada, local(d(2030, 7, 31), 23, 30), 50, AppointmentStatus.BOOKED, self.yann
        )
        self.a3 = self.appt(
            self.ada, local(d(2030, 8, 1), 0, 30), 50, AppointmentStatus.BOOKED, self.yann
        )
        self.a4 = self.appt(
            self.ada, local(d(2030, 7, 3), 11), 50, AppointmentStatus.NO_SHOW, self.mallory
        )
        self.a5 = self.appt(
            self.ada,
            local(d(2030, 7, 4), 12),
            50,
            AppointmentStatus.CANCELLED,
            self.yann,
            source=AppointmentSource.PHONE,
            cancelled_before=timedelta(hours=2),
        )
        self.a6 = self.appt(
            self.ada,
            local(d(2030, 7, 5), 12),
            50,
            AppointmentStatus.CANCELLED,
            self.yann,
            source=AppointmentSource.PHONE,
            cancelled_before=timedelta(hours=48),
        )
        self.b1 = self.appt(
            self.bea,
            local(d(2030, 7, 17), 10),
            60,
            AppointmentStatus.COMPLETED,
            self.zoe,
            source=AppointmentSource.PRACTITIONER,
        )

    @staticmethod
    def _client(s: object, name: str) -> uuid.UUID:
        c = Client(full_name=name, phone="+44 20 7946 0000")
        s.add(c)  # type: ignore[attr-defined]
        s.flush()  # type: ignore[attr-defined]
        return c.id

    def appt(
        self,
        practitioner_id: uuid.UUID,
        start: datetime,
        minutes: int,
        status: AppointmentStatus,
        client_id: uuid.UUID,
        *,
        source: AppointmentSource = AppointmentSource.FRONT_DESK,
        cancelled_before: timedelta | None = None,
    ) -> uuid.UUID:
        with self.db.write_sessions.begin() as s:
            a = Appointment(
                reference=uuid.uuid4().hex[:8].upper(),
                client_id=client_id,
                practitioner_id=practitioner_id,
                service_id=self.service,
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
                status=status,
                source=source,
                cancelled_at=start - cancelled_before if cancelled_before else None,
            )
            s.add(a)
            s.flush()
            return a.id

    def credits(self) -> None:
        """2 credits bought in June (100.00), 5 in July (300.00), one used in July,
        one expired in August: outstanding 2 at the start of July, 6 at its end."""
        with self.db.write_sessions.begin() as s:
            lots = []
            for when, n, cents, number in (
                (local(date(2030, 6, 5), 10), 2, 10_000, "T-1"),
                (local(date(2030, 7, 10), 10), 5, 30_000, "T-2"),
            ):
                p = Payment(
                    client_id=self.xavier,
                    amount_cents=cents,
                    currency="EUR",
                    method=PaymentMethod.CARD,
                    receipt_number=number,
                    received_at=when,
                )
                s.add(p)
                s.flush()
                lot = CreditEntry(
                    client_id=self.xavier,
                    kind=CreditEntryKind.PURCHASE,
                    amount=n,
                    created_at=when,
                    reason="pack",
                    payment_id=p.id,
                )
                s.add(lot)
                s.flush()
                lots.append(lot.id)
            s.add(
                CreditEntry(
                    client_id=self.xavier,
                    kind=CreditEntryKind.USE,
                    amount=-1,
                    created_at=local(date(2030, 7, 12), 9),
                    reason="session",
                    appointment_id=self.a1,
                    lot_id=lots[1],
                )
            )
            s.add(
                CreditEntry(
                    client_id=self.xavier,
                    kind=CreditEntryKind.EXPIRY,
                    amount=-1,
                    created_at=local(date(2030, 8, 2), 9),
                    reason="expired",
                    lot_id=lots[0],
                )
            )
