"""Staff accounts, practitioner onboarding and decisions, login, on both databases."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from desktop_app.audit.queries import AuditFilter, entries, to_csv
from desktop_app.availability import slot_queries
from desktop_app.availability.commands import SetWeeklyRules, WeeklyBlockInput
from desktop_app.bootstrap import AppContext, build_bus
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.clock import FixedClock
from desktop_app.kernel.errors import Conflict, PermissionDenied, ValidationError
from desktop_app.staff import auth, practitioner_queries
from desktop_app.staff import queries as staff_queries
from desktop_app.staff.commands import (
    ApprovePractitioner,
    ChangePassword,
    CreateFirstManager,
    CreateStaffAccount,
    DeactivateAccount,
    DocumentUpload,
    ReinstatePractitioner,
    RejectPractitioner,
    ResetPassword,
    SetPhoto,
    SubmitApplication,
    SuspendPractitioner,
    UpdatePractitionerProfile,
    UpdateStaffAccount,
)
from models import Notification, OutgoingMessage, PractitionerStatus, Role, service_practitioner
from tests import factories

NOW = datetime(2030, 1, 6, 12, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


class Clinic:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.clock = FixedClock(NOW)
        self.bus = build_bus(app.db, self.clock)
        self.bus.handle(
            CreateFirstManager(email="boss@clinic.test", name="Bo Boss", password="boss-pass-1"),
            Actor.system(),
        )
        self.manager = self.login("boss@clinic.test", "boss-pass-1")

    def login(self, email: str, password: str) -> Actor:
        return auth.login(self.app.db, email, password, self.clock)

    def staff(self, email: str, *roles: Role, password: str = "staff-pass-1") -> uuid.UUID:
        result = self.bus.handle(
            CreateStaffAccount(
                email=email,
                name=email.split("@")[0].title(),
                roles=frozenset(roles),
                password=password,
            ),
            self.manager,
        )
        assert isinstance(result, uuid.UUID)
        return result

    def apply(self, email: str = "ada@clinic.test", **kw: object) -> uuid.UUID:
        fields: dict[str, object] = {
            "email": email,
            "name": "Dr Ada Lovelace",
            "password": "ada-pass-12",
            "profession": "Psychotherapist",
            "licence_number": "HCPC-123",
            "specialisations": ("anxiety", "sleep"),
            "languages": ("English", "French"),
            "experience_years": 7,
            "bio": "Calm and kind.",
            "photo": PNG,
            "documents": (DocumentUpload("licence", "licence.pdf", PDF),),
        }
        fields.update(kw)
        pid = self.bus.handle(SubmitApplication(**fields), Actor.system("application form"))  # type: ignore[arg-type]
        assert isinstance(pid, uuid.UUID)
        return pid


@pytest.fixture
def clinic(app: AppContext) -> Clinic:
    return Clinic(app)


def test_manager_creates_accounts_with_several_roles(clinic: Clinic) -> None:
    clinic.staff("desk@clinic.test", Role.FRONT_DESK, Role.MANAGER)
    rows = {r.email: r.roles for r in staff_queries.staff_accounts(clinic.app.db)}
    assert rows["desk@clinic.test"] == {Role.FRONT_DESK, Role.MANAGER}
    with pytest.raises(Conflict, match="already an account"):
        clinic.staff("DESK@Clinic.test", Role.FRONT_DESK)
    with pytest.raises(ValidationError, match="name must not be empty"):
        clinic.bus.handle(
            CreateStaffAccount(
                email="x@clinic.test",
                name="  ",
                roles=frozenset({Role.FRONT_DESK}),
                password="long-enough",
            ),
            clinic.manager,
        )
    assert len(staff_queries.staff_accounts(clinic.app.db)) == 2


def test_deactivated_accounts_cannot_log_in_and_their_history_stays(clinic: Clinic) -> None:
    desk_id = clinic.staff("desk@clinic.test", Role.FRONT_DESK)
    clinic.login("desk@clinic.test", "staff-pass-1")
    clinic.bus.handle(DeactivateAccount(account_id=desk_id, reason="left"), clinic.manager)
    with pytest.raises(auth.LoginFailed):
        clinic.login("desk@clinic.test", "staff-pass-1")
    logins = entries(clinic.app.db, AuditFilter(actor_id=desk_id, command="LoggedIn"))
    assert len(logins) == 1
    with pytest.raises(ValidationError, match="at least one active manager"):
        clinic.bus.handle(
            UpdateStaffAccount(
                account_id=clinic.manager.account_id,  # type: ignore[arg-type]
                name="Bo Boss",
                phone=None,
                roles=frozenset({Role.FRONT_DESK}),
            ),
            clinic.manager,
        )


def test_passwords_reset_by_a_manager_and_changed_by_their_owner(clinic: Clinic) -> None:
    desk_id = clinic.staff("desk@clinic.test", Role.FRONT_DESK)
    clinic.bus.handle(
        ResetPassword(account_id=desk_id, new_password="fresh-pass-2"), clinic.manager
    )
    desk = clinic.login("desk@clinic.test", "fresh-pass-2")
    with pytest.raises(ValidationError, match="current password is not right"):
        clinic.bus.handle(
            ChangePassword(current_password="wrong", new_password="another-pass-3"), desk
        )
    clinic.bus.handle(
        ChangePassword(current_password="fresh-pass-2", new_password="another-pass-3"), desk
    )
    clinic.login("desk@clinic.test", "another-pass-3")
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(ResetPassword(account_id=desk_id, new_password="x" * 10), desk)


def test_failed_logins_are_audited_and_slow_down(clinic: Clinic) -> None:
    clinic.staff("desk@clinic.test", Role.FRONT_DESK)
    for _ in range(auth.FREE_ATTEMPTS):
        with pytest.raises(auth.LoginFailed, match="Wrong e-mail or password"):
            clinic.login("desk@clinic.test", "nope")
    # After the free attempts, the next one must wait, even with the right password.
    with pytest.raises(auth.LoginThrottled, match="Try again in 2 seconds"):
        clinic.login("desk@clinic.test", "staff-pass-1")
    clinic.clock.advance(timedelta(seconds=3))
    with pytest.raises(auth.LoginFailed, match="Wrong e-mail or password"):
        clinic.login("desk@clinic.test", "nope")
    # Each further failure doubles the wait.
    with pytest.raises(auth.LoginThrottled, match="Try again in 4 seconds"):
        clinic.login("desk@clinic.test", "staff-pass-1")
    clinic.clock.advance(timedelta(seconds=5))
    clinic.login("desk@clinic.test", "staff-pass-1")
    failed = entries(clinic.app.db, AuditFilter(command="LoginFailed"))
    assert len(failed) == auth.FREE_ATTEMPTS + 1
    assert {f.target for f in failed} == {"login:desk@clinic.test"}
    # A success resets the count.
    with pytest.raises(auth.LoginFailed, match="Wrong"):
        clinic.login("desk@clinic.test", "nope")


def test_unlock_only_with_the_same_persons_password(clinic: Clinic) -> None:
    clinic.staff("desk@clinic.test", Role.FRONT_DESK)
    desk = clinic.login("desk@clinic.test", "staff-pass-1")
    assert not auth.unlock(clinic.app.db, desk, "boss-pass-1", clinic.clock)
    assert auth.unlock(clinic.app.db, desk, "staff-pass-1", clinic.clock)


def test_apply_review_approve_book_suspend(clinic: Clinic) -> None:
    db = clinic.app.db
    pid = clinic.apply()
    assert practitioner_queries.applications(db) == [pid]
    profile = practitioner_queries.profile(db, pid)
    assert profile is not None and profile.status == PractitionerStatus.APPLIED
    assert [d.filename for d in profile.documents] == ["licence.pdf"]
    assert profile.photo == PNG
    doc = practitioner_queries.document_content(db, profile.documents[0].id)
    assert doc == ("licence.pdf", "application/pdf", PDF)
    # Managers hear of it; the applicant cannot yet act as a practitioner.
    with db.read_sessions() as s:
        texts = s.scalars(select(Notification.text)).all()
    assert any("New application from Dr Ada Lovelace" in t for t in texts)
    applicant = clinic.login("ada@clinic.test", "ada-pass-12")
    assert Role.PRACTITIONER not in applicant.roles

    service = factories.service(clinic.app, "Individual", 60)
    with db.write_sessions.begin() as s:
        s.execute(service_practitioner.insert().values(service_id=service, practitioner_id=pid))
    with pytest.raises(PermissionDenied):
        clinic.bus.handle(ApprovePractitioner(practitioner_id=pid), applicant)
    clinic.bus.handle(ApprovePractitioner(practitioner_id=pid), clinic.manager)
    ada = clinic.login("ada@clinic.test", "ada-pass-12")
    assert Role.PRACTITIONER in ada.roles
    with db.read_sessions() as s:
        mail = s.scalars(select(OutgoingMessage)).one()
    assert (mail.recipient, mail.subject) == ("ada@clinic.test", "Your application was approved")

    clinic.bus.handle(
        SetWeeklyRules(
            practitioner_id=pid,
            blocks=tuple(WeeklyBlockInput(d, time(9), time(17)) for d in range(7)),
        ),
        ada,
    )
    assert [p.id for p in staff_queries.practitioners(db, bookable_only=True)] == [pid]
    day = NOW.date() + timedelta(days=1)
    assert slot_queries.open_slots(db, service, day, day, NOW)
    booked = factories.appointment(
        clinic.app,
        pid,
        service,
        datetime.combine(day, time(10), UTC),
        datetime.combine(day, time(11), UTC),
    )

    with pytest.raises(ValidationError, match="reason"):
        clinic.bus.handle(SuspendPractitioner(practitioner_id=pid, reason=""), clinic.manager)
    listed = clinic.bus.handle(
        SuspendPractitioner(practitioner_id=pid, reason="licence lapsed"), clinic.manager
    )
    assert listed == [booked]
    assert staff_queries.practitioners(db, bookable_only=True) == []
    assert slot_queries.open_slots(db, service, day, day, NOW) == []
    with db.read_sessions() as s:
        texts = s.scalars(select(Notification.text)).all()
    assert any("1 future appointments need moving" in t for t in texts)
    clinic.bus.handle(ReinstatePractitioner(practitioner_id=pid, reason="renewed"), clinic.manager)
    profile = practitioner_queries.profile(db, pid)
    assert profile is not None
    assert [(d.status, d.decided_by, d.reason) for d in profile.decisions] == [
        (PractitionerStatus.APPLIED, "Dr Ada Lovelace", "application submitted"),
        (PractitionerStatus.APPROVED, "Bo Boss", ""),
        (PractitionerStatus.SUSPENDED, "Bo Boss", "licence lapsed"),
        (PractitionerStatus.APPROVED, "Bo Boss", "renewed"),
    ]


def test_rejection_needs_a_reason_and_decisions_follow_the_rules(clinic: Clinic) -> None:
    pid = clinic.apply()
    with pytest.raises(ValidationError, match="reason"):
        clinic.bus.handle(RejectPractitioner(practitioner_id=pid, reason=" "), clinic.manager)
    with pytest.raises(ValidationError, match=r"Cannot suspend .* status is applied"):
        clinic.bus.handle(SuspendPractitioner(practitioner_id=pid, reason="x"), clinic.manager)
    clinic.bus.handle(RejectPractitioner(practitioner_id=pid, reason="no licence"), clinic.manager)
    with pytest.raises(ValidationError, match="Cannot approve"):
        clinic.bus.handle(ApprovePractitioner(practitioner_id=pid), clinic.manager)
    assert practitioner_queries.applications(clinic.app.db) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"documents": (DocumentUpload("licence", "scan.exe", b"MZ\x90\x00"),)}, "cannot be read"),
        ({"documents": (DocumentUpload("licence", "empty.pdf", b""),)}, "is empty"),
        ({"photo": b"GIF89a not accepted"}, "PNG, JPEG or WebP"),
        ({"photo": b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024)}, "too large"),
        ({"name": ""}, "name must not be empty"),
        ({"email": "boss@clinic.test"}, "already an account"),
    ],
)
def test_bad_applications_get_a_clear_message_and_change_nothing(
    clinic: Clinic, change: dict[str, object], message: str
) -> None:
    with pytest.raises((ValidationError, Conflict), match=message):
        clinic.apply(**change)
    assert practitioner_queries.applications(clinic.app.db) == []
    assert len(staff_queries.staff_accounts(clinic.app.db)) == 1


def test_profile_edits_show_everywhere_because_they_live_in_one_place(clinic: Clinic) -> None:
    pid = clinic.apply()
    clinic.bus.handle(ApprovePractitioner(practitioner_id=pid), clinic.manager)
    ada = clinic.login("ada@clinic.test", "ada-pass-12")
    clinic.bus.handle(
        UpdatePractitionerProfile(
            practitioner_id=pid,
            bio="New bio",
            specialisations=("grief", "grief", " trauma "),
            languages=("English",),
        ),
        ada,
    )
    clinic.bus.handle(SetPhoto(account_id=ada.account_id, data=None), ada)  # type: ignore[arg-type]
    row = staff_queries.practitioners(clinic.app.db)[0]
    assert row.specialisations == ("grief", "trauma")
    profile = practitioner_queries.profile(clinic.app.db, pid)
    assert profile is not None and profile.bio == "New bio" and profile.photo is None
    other = clinic.apply("bob@clinic.test", name="Dr Bob")
    clinic.bus.handle(ApprovePractitioner(practitioner_id=other), clinic.manager)
    with pytest.raises(PermissionDenied, match="your own profile"):
        clinic.bus.handle(
            UpdatePractitionerProfile(
                practitioner_id=other, bio="", specialisations=(), languages=()
            ),
            ada,
        )


def test_audit_log_filters_and_exports(clinic: Clinic) -> None:
    clinic.staff("desk@clinic.test", Role.FRONT_DESK)
    client = factories.client(clinic.app, "Zoë Client")
    lines = entries(clinic.app.db, AuditFilter(actor_id=clinic.manager.account_id))
    assert [line.command for line in lines] == ["CreateStaffAccount", "LoggedIn"]
    csv_text = to_csv(lines)
    assert csv_text.splitlines()[0].startswith("seq,at (UTC),person")
    assert "Bo Boss" in csv_text and "password" not in csv_text
    from desktop_app.clients.commands import UpdateClient

    clinic.bus.handle(
        UpdateClient(client_id=client, full_name="Zoë Client", phone="07700 900555"),
        clinic.manager,
    )
    about = entries(clinic.app.db, AuditFilter(client_id=client))
    assert [line.command for line in about] == ["UpdateClient"]
    later = entries(clinic.app.db, AuditFilter(start=NOW + timedelta(days=1)))
    assert later == []


def test_a_practitioner_account_made_by_a_manager_can_practise_at_once(clinic: Clinic) -> None:
    account = clinic.staff("pat@clinic.test", Role.PRACTITIONER)
    pat = clinic.login("pat@clinic.test", "staff-pass-1")
    assert Role.PRACTITIONER in pat.roles
    pid = practitioner_queries.practitioner_of_account(clinic.app.db, account)
    assert pid is not None
    profile = practitioner_queries.profile(clinic.app.db, pid)
    assert profile is not None and profile.status == PractitionerStatus.APPROVED
    assert profile.decisions[0].decided_by == "Bo Boss"
