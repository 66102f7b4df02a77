"""Changing one's own password, and a manager resetting someone else's."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.kernel.actor import Actor
from desktop_app.kernel.commands import Command
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from desktop_app.staff.commands import ChangePassword, ResetPassword
from desktop_app.staff.passwords import MIN_PASSWORD_LENGTH, check_password_strength
from ui.kit.command_dialog import CommandDialog


def password_field(object_name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(object_name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setPlaceholderText(placeholder)
    edit.setMinimumWidth(240)
    return edit


def check_new_password(password: str, again: str) -> None:
    check_password_strength(password)
    if password != again:
        raise ValidationError("The two new passwords differ; type the same one twice.")


class ChangePasswordDialog(CommandDialog):
    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            actor,
            title="Change your password",
            caption="Type your current password, then the new one twice.",
            action="Change password",
            busy_text="Changing…",
            parent=parent,
        )
        self.setObjectName("changePasswordDialog")
        self.current = password_field("currentPassword")
        self.new = password_field("newPassword", f"At least {MIN_PASSWORD_LENGTH} characters")
        self.again = password_field("newPasswordAgain", "The same again")
        self.form.addRow("Current password", self.current)
        self.form.addRow("New password", self.new)
        self.form.addRow("Repeat new password", self.again)
        self.current.setFocus()

    def build_command(self) -> Command:
        check_new_password(self.new.text(), self.again.text())
        return ChangePassword(current_password=self.current.text(), new_password=self.new.text())

    def inputs(self) -> list[QWidget]:
        return [self.current, self.new, self.again]


class ResetPasswordDialog(CommandDialog):
    def __init__(
        self,
        ctx: Core,
        actor: Actor,
        account_id: uuid.UUID,
        name: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx,
            actor,
            title=f"Reset {name}'s password",
            caption=(
                f"Choose a new password for {name} and give it to them in person; "
                "they can change it afterwards from their own menu."
            ),
            action="Reset password",
            busy_text="Resetting…",
            parent=parent,
        )
        self.setObjectName("resetPasswordDialog")
        self.account_id = account_id
        self.new = password_field("newPassword", f"At least {MIN_PASSWORD_LENGTH} characters")
        self.again = password_field("newPasswordAgain", "The same again")
        self.form.addRow("New password", self.new)
        self.form.addRow("Repeat password", self.again)
        self.new.setFocus()

    def build_command(self) -> Command:
        check_new_password(self.new.text(), self.again.text())
        return ResetPassword(account_id=self.account_id, new_password=self.new.text())

    def inputs(self) -> list[QWidget]:
        return [self.new, self.again]
