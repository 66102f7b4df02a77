"""SQLAlchemy models of Clinicdesk's domain (DESIGN §2). Importing this package
registers every table on `Base.metadata`."""

from models.appointment import Appointment, SessionNote
from models.audit import AuditEntry
from models.availability import (
    ClinicHoliday,
    DateOverride,
    OverrideBlock,
    RecurringException,
    ScheduleSettings,
    SlotHold,
    WeeklyRule,
)
from models.base import Base, UTCDateTime, utcnow
from models.client import Client
from models.credits import CreditEntry, CreditPack, Payment
from models.enums import (
    LIVE_APPOINTMENT_STATUSES,
    AllocationStatus,
    AppointmentSource,
    AppointmentStatus,
    CreditEntryKind,
    MessageChannel,
    MessageStatus,
    PaymentKind,
    PaymentMethod,
    PractitionerStatus,
    Role,
)
from models.live import ChangeEntry, Workstation
from models.notification import Notification, OutgoingMessage
from models.partner import PartnerAllocation, PartnerOrganisation
from models.practitioner import Practitioner, PractitionerDecision, PractitionerDocument
from models.scheduler import JobClaim, ReminderClaim
from models.service import Service, service_practitioner
from models.settings import ClinicSetting
from models.staff import StaffAccount, StaffRole

__all__ = [
    "LIVE_APPOINTMENT_STATUSES",
    "AllocationStatus",
    "Appointment",
    "AppointmentSource",
    "AppointmentStatus",
    "AuditEntry",
    "Base",
    "ChangeEntry",
    "Client",
    "ClinicHoliday",
    "ClinicSetting",
    "CreditEntry",
    "CreditEntryKind",
    "CreditPack",
    "DateOverride",
    "JobClaim",
    "MessageChannel",
    "MessageStatus",
    "Notification",
    "OutgoingMessage",
    "OverrideBlock",
    "PartnerAllocation",
    "PartnerOrganisation",
    "Payment",
    "PaymentKind",
    "PaymentMethod",
    "Practitioner",
    "PractitionerDecision",
    "PractitionerDocument",
    "PractitionerStatus",
    "RecurringException",
    "ReminderClaim",
    "Role",
    "ScheduleSettings",
    "Service",
    "SessionNote",
    "SlotHold",
    "StaffAccount",
    "StaffRole",
    "UTCDateTime",
    "WeeklyRule",
    "Workstation",
    "service_practitioner",
    "utcnow",
]
