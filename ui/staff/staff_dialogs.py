"""Creating a staff account and editing its name, phone and roles (manager)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.kernel.validation import normalise_email, require_text
from desktop_app.staff.commands import CreateStaffAccount, UpdateStaffAccount
from desktop_app.staff.passwords import MIN_PASSWORD_LENGTH
from desktop_app.staff.queries import StaffRow
from models.enums import Role
from ui.kit.command_dialog import CommandDialog
from ui.kit.formatting import ROLE_LABELS
from ui.staff.password_dialogs import check_new_password, password_field


class RoleChecks(QWidget):
    """One check box per role; several may be ticked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        self.boxes: dict[Role, QCheckBox] = {}
        for role, label in ROLE_LABELS.items():
            box = QCheckBox(label)
            box.setObjectName(f"role_{role.value}")
            self.boxes[role] = box
            layout.addWidget(box)
        layout.addStretch(1)

    def roles(self) -> frozenset[Role]:
        return frozenset(role for role, box in self.boxes.items() if box.isChecked())

    def set_roles(self, roles: frozenset[Role]) -> None:
        for role, box in self.boxes.items():
            box.setChecked(role in roles)


class StaffAccountDialog(CommandDialog):
    """A new account (no `row`) or the name, phone and roles of `row`."""

    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        *,
        row: StaffRow | None = None,
        phone: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Edit {row.name}" if row else "New staff account",
            caption=(
                "Roles decide which pages the person sees; the core checks every change "
                "against them."
                if row
                else "Everyone logs in with their own account. Give the password to the "
                "person; they can change it from their menu."
            ),
            action="Save" if row else "Create account",
            busy_text="Saving…" if row else "Creating…",
            parent=parent,
        )
        self.setObjectName("staffAccountDialog")
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setObjectName("staffName")
        self.name.setPlaceholderText("First and last name")
        self.name.setMaxLength(200)
        self.email = QLineEdit(row.email if row else "")
        self.email.setObjectName("staffEmail")
        self.email.setPlaceholderText("name@clinic.example")
        self.email.setMaxLength(254)
        self.phone = QLineEdit(phone or "")
        self.phone.setObjectName("staffPhone")
        self.phone.setPlaceholderText("Optional")
        self.phone.setMaxLength(40)
        self.roles = RoleChecks()
        if row:
            self.roles.set_roles(row.roles)
        self.form.addRow("Name", self.name)
        if row:
            # The e-mail is the login; the core has no command to change it.
            self.email.setReadOnly(True)
            self.email.setToolTip("The e-mail address is the login and cannot be changed here.")
        self.form.addRow("E-mail", self.email)
        self.form.addRow("Phone", self.phone)
        self.form.addRow("Roles", self.roles)
        self.practitioner_hint = QLabel(
            "A practitioner also needs an approved practitioner profile: they apply with "
            "“Apply as a practitioner” on the login screen, and you approve them on the "
            "Practitioners page."
        )
        self.practitioner_hint.setObjectName("dialogCaption")
        self.practitioner_hint.setWordWrap(True)
        self.form.addRow("", self.practitioner_hint)
        self.roles.boxes[Role.PRACTITIONER].toggled.connect(self._update_hint)
        self.password: QLineEdit | None = None
        self.password_again: QLineEdit | None = None
        if row is None:
            self.password = password_field(
                "staffPassword", f"At least {MIN_PASSWORD_LENGTH} characters"
            )
            self.password_again = password_field("staffPasswordAgain", "The same again")
            self.form.addRow("Password", self.password)
            self.form.addRow("Repeat password", self.password_again)
        self.setMinimumWidth(560)
        self._update_hint()
        self.name.setFocus()

    def _update_hint(self) -> None:
        # Only worth saying when the role is being given, not when it is already there.
        had = self.row is not None and Role.PRACTITIONER in self.row.roles
        wants = self.roles.boxes[Role.PRACTITIONER].isChecked()
        self.form.setRowVisible(self.practitioner_hint, wants and not had)

    def build_command(self) -> Command:
        name = require_text(self.name.text(), "name")
        roles = self.roles.roles()
        if not roles:
            raise ValidationError("Tick at least one role.")
        phone = self.phone.text().strip() or None
        if self.row is not None:
            return UpdateStaffAccount(account_id=self.row.id, name=name, phone=phone, roles=roles)
        assert self.password is not None and self.password_again is not None
        email = normalise_email(self.email.text())
        check_new_password(self.password.text(), self.password_again.text())
        return CreateStaffAccount(
            email=email, name=name, roles=roles, password=self.password.text(), phone=phone
        )

    def inputs(self) -> list[QWidget]:
        fields: list[QWidget] = [self.name, self.phone, self.roles]
        if self.row is None:
            fields.append(self.email)
        if self.password is not None and self.password_again is not None:
            fields += [self.password, self.password_again]
        return fields

    @property
    def account_id(self) -> uuid.UUID | None:
        if self.row is not None:
            return self.row.id
        return self.result_value if isinstance(self.result_value, uuid.UUID) else None
