"""Closed sets of values the domain uses; stored as their string values."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    FRONT_DESK = "front_desk"
    PRACTITIONER = "practitioner"
    MANAGER = "manager"


class PractitionerStatus(enum.StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class AppointmentStatus(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


# Statuses that occupy the practitioner's time: no two may overlap.
LIVE_APPOINTMENT_STATUSES = frozenset(
    {
        AppointmentStatus.BOOKED,
        AppointmentStatus.CHECKED_IN,
        AppointmentStatus.IN_PROGRESS,
        AppointmentStatus.COMPLETED,
    }
)


class AppointmentSource(enum.StrEnum):
    FRONT_DESK = "front_desk"
    PHONE = "phone"
    PRACTITIONER = "practitioner"
    ASSISTANT = "assistant"
    EXCHANGE = "exchange"


class CreditEntryKind(enum.StrEnum):
    PURCHASE = "purchase"
    USE = "use"
    REFUND = "refund"
    ADJUSTMENT = "adjustment"
    EXPIRY = "expiry"
    TRANSFER = "transfer"
    PARTNER_ALLOCATION = "partner_allocation"
    PEER_EARN = "peer_earn"
    PEER_SPEND = "peer_spend"


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    TRANSFER = "transfer"


class PaymentKind(enum.StrEnum):
    """Money in (a payment) or money given back (a refund, its own row)."""

    PAYMENT = "payment"
    REFUND = "refund"


class AllocationStatus(enum.StrEnum):
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


class MessageChannel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"
    # A workstation holds a lease on it and is talking to the mail server.
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Not sent, on purpose: e.g. a reminder of an appointment since cancelled.
    SKIPPED = "skipped"
