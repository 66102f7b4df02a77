"""A partner organisation's details, and credits for one of its employees (manager)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QSpinBox, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.validation import normalise_email, require_text
from desktop_app.partners.commands import (
    AllocatePartnerCredits,
    AllocationInput,
    CreatePartnerOrganisation,
    UpdatePartnerOrganisation,
)
from desktop_app.partners.csv_import import MAX_CREDITS
from desktop_app.partners.queries import OrganisationRow
from ui.credits.partner_models import plural
from ui.kit.command_dialog import CommandDialog, ReasonDialog


def spin_box(name: str, low: int, high: int, value: int, unit: str = "") -> QSpinBox:
    """A whole number with its unit after it, singular or plural as the number says."""
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setMinimumWidth(120)
    if unit:

        def say_unit(number: int) -> None:
            plural_unit = unit if unit == "min" or number == 1 else f"{unit}s"
            spin.setSuffix(f" {plural_unit}")

        spin.valueChanged.connect(say_unit)
        say_unit(value)
    spin.setValue(value)
    return spin


class RevokeDialog(ReasonDialog):
    """Why an allocation is revoked (required)."""


def terms(organisation: OrganisationRow) -> str:
    """E.g. '2 credits of 25 minutes each, valid 365 days'."""
    return (
        f"{plural(organisation.default_credits, 'credit')} of "
        f"{organisation.session_duration_min} minutes each, valid "
        f"{plural(organisation.validity_days, 'day')}"
    )


class OrganisationDialog(CommandDialog):
    """A new organisation (no `row`) or the details of `row`."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        row: OrganisationRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Edit {row.name}" if row else "New partner organisation",
            caption=(
                "New defaults apply to credits allocated from now on; allocations already "
                "made keep their terms."
                if row
                else "An employer that pays for its employees' sessions. Each employee it "
                "names gets the default credits, for sessions of the given length only."
            ),
            action="Save" if row else "Create organisation",
            busy_text="Saving…" if row else "Creating…",
            parent=parent,
        )
        self.setObjectName("organisationDialog")
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("organisationName")
        self.name.setPlaceholderText("e.g. Northbank Software")
        self.name.setMaxLength(200)
        self.contact_name = QLineEdit((row.contact_name or "") if row else "")
        self.contact_name.setObjectName("contactName")
        self.contact_name.setPlaceholderText("Optional: who to send reports to")
        self.contact_name.setMaxLength(200)
        self.contact_email = QLineEdit((row.contact_email or "") if row else "")
        self.contact_email.setObjectName("contactEmail")
        self.contact_email.setPlaceholderText("Optional")
        self.contact_email.setMaxLength(254)
        self.credits = spin_box(
            "defaultCredits", 1, MAX_CREDITS, row.default_credits if row else 1, "credit"
        )
        self.duration = spin_box(
            "sessionDuration", 5, 720, row.session_duration_min if row else 25, "min"
        )
        self.duration.setSingleStep(5)
        self.duration.setToolTip("A partner credit pays only for a service of this length.")
        self.validity = spin_box("validityDays", 1, 3660, row.validity_days if row else 365, "day")
        self.validity.setToolTip("Unused credits expire this many days after they are allocated.")
        self.form.addRow("Name", self.name)
        self.form.addRow("Contact", self.contact_name)
        self.form.addRow("Contact e-mail", self.contact_email)
        self.form.addRow("Credits per employee", self.credits)
        self.form.addRow("Session length", self.duration)
        self.form.addRow("Credits valid for", self.validity)
        self.setMinimumWidth(520)
        self.name.setFocus()

    def inputs(self) -> list[QWidget]:
        return [
            self.name,
            self.contact_name,
            self.contact_email,
            self.credits,
            self.duration,
            self.validity,
        ]

    def build_command(self) -> Command:
        name = require_text(self.name.text(), "organisation's name")
        contact_email = self.contact_email.text().strip() or None
        if contact_email is not None:
            contact_email = normalise_email(contact_email)
        contact_name = self.contact_name.text().strip() or None
        credits, duration, validity = (
            self.credits.value(),
            self.duration.value(),
            self.validity.value(),
        )
        if self.row is not None:
            return UpdatePartnerOrganisation(
                organisation_id=self.row.id,
                name=name,
                contact_name=contact_name,
                contact_email=contact_email,
                default_credits=credits,
                session_duration_min=duration,
                validity_days=validity,
            )
        return CreatePartnerOrganisation(
            name=name,
            contact_name=contact_name,
            contact_email=contact_email,
            default_credits=credits,
            session_duration_min=duration,
            validity_days=validity,
        )


class AllocateDialog(CommandDialog):
    """Credits for one employee, known by e-mail."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        organisation: OrganisationRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Allocate credits — {organisation.name}",
            caption=(
                f"{organisation.name} gives {terms(organisation)}. If a client has this "
                "e-mail the credits are theirs at once; otherwise they wait until the "
                "employee registers or books."
            ),
            action="Allocate",
            busy_text="Allocating…",
            parent=parent,
        )
        self.setObjectName("allocateDialog")
        self.organisation = organisation
        self.email = QLineEdit()
        self.email.setObjectName("employeeEmail")
        self.email.setPlaceholderText("name@employer.example")
        self.email.setMaxLength(254)
        self.name = QLineEdit()
        self.name.setObjectName("employeeName")
        self.name.setPlaceholderText("Optional")
        self.name.setMaxLength(200)
        self.credits = spin_box(
            "allocationCredits", 1, MAX_CREDITS, organisation.default_credits, "credit"
        )
        self.form.addRow("E-mail", self.email)
        self.form.addRow("Name", self.name)
        self.form.addRow("Credits", self.credits)
        self.setMinimumWidth(500)
        self.email.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.email, self.name, self.credits]

    def build_command(self) -> Command:
        if not self.email.text().strip():
            self.email.setFocus()
            raise ValidationError("Type the employee's e-mail address.")
        email = normalise_email(self.email.text())
        return AllocatePartnerCredits(
            organisation_id=self.organisation.id,
            allocation=AllocationInput(
                email=email,
                credits=self.credits.value(),
                name=self.name.text().strip() or None,
            ),
        )
