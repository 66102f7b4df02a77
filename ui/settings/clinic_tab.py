"""Settings, "Clinic" tab: the clinic's name, time zone, currency and policies.

Every setting of `ClinicSettings` can be changed here; the ranges and formats
are the core's (`validate_setting`), checked field by field before sending so
that a mistake is shown next to the field it is about.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLabel, QLineEdit, QWidget

from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.clinic.settings import ClinicSettings, validate_setting
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.core import Core
from desktop_app.kernel.errors import ValidationError
from ui.kit.command_dialog import section_title
from ui.settings.settings_form import SettingsForm, form_card, number_edit, whole_number, with_unit

# Settings typed as whole numbers (the rest are text).
NUMBER_KEYS = ("hold_minutes", "idle_lock_minutes", "cancellation_free_hours")


@cache
def time_zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


def _line_edit(placeholder: str = "", max_length: int = 0) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length)
    return edit


class ClinicSettingsTab(SettingsForm):
    def __init__(self, ctx: Core, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        self.setObjectName("clinicSettingsTab")
        self.editors: dict[str, QWidget] = {}

        columns = self.columns
        card, form = form_card()
        form.addRow(section_title("The clinic"))
        name = _line_edit("e.g. Riverside Therapy Centre", 100)
        self._text_field(form, "clinic_name", "Clinic name", name)

        zone = QComboBox()
        zone.setEditable(True)
        zone.addItems(time_zones())
        zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(time_zones(), zone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        zone.setCompleter(completer)
        zone.setMinimumWidth(240)
        self.editors["timezone"] = zone
        self.add_field(
            form,
            "timezone",
            "Time zone",
            zone,
            lambda: zone.currentText().strip(),
            zone.setCurrentText,
            hint="Opening hours and appointment times are in this zone.",
        )
        self.watch(zone.currentTextChanged)

        currency = _line_edit("EUR", 3)
        currency.setFixedWidth(90)
        self._text_field(form, "currency", "Currency", currency, hint="A code such as EUR or GBP.")
        meeting = _line_edit("https://meet.jit.si")
        self._text_field(
            form,
            "meeting_base_url",
            "Video meetings",
            meeting,
            hint="Online sessions get a link to a private room at this address.",
        )
        database = QLabel(ctx.database_label)
        database.setObjectName("formValue")
        database.setWordWrap(True)
        database.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.database_label = database
        form.addRow("Database", database)
        columns.addWidget(card, 3)

        policies, policy_form = form_card()
        policy_form.addRow(section_title("Policies"))
        self._number_field(
            policy_form,
            "cancellation_free_hours",
            "Free cancellation",
            "hours before",
            "A client who cancels at least this long before gets their credits back.",
        )
        self._number_field(
            policy_form,
            "hold_minutes",
            "Slot hold",
            "minutes",
            "How long the booking dialog keeps a chosen time from other desks.",
        )
        self._number_field(
            policy_form,
            "idle_lock_minutes",
            "Lock the screen after",
            "minutes idle",
            "0 never locks.",
        )
        columns.addWidget(policies, 2)
        self.finish()

    def _text_field(
        self, form: Any, key: str, caption: str, edit: QLineEdit, *, hint: str = ""
    ) -> None:
        self.editors[key] = edit
        self.add_field(form, key, caption, edit, edit.text, edit.setText, hint=hint)
        self.watch(edit.textChanged)

    def _number_field(self, form: Any, key: str, caption: str, unit: str, hint: str) -> None:
        edit = number_edit()
        self.editors[key] = edit
        self.add_field(
            form,
            key,
            caption,
            edit,
            edit.text,
            edit.setText,
            shown=with_unit(edit, unit),
            hint=hint,
        )
        self.watch(edit.textChanged)

    # --- data ------------------------------------------------------------

    def apply(self, settings: ClinicSettings) -> None:
        self.load(
            {
                "clinic_name": settings.clinic_name,
                "timezone": settings.timezone,
                "currency": settings.currency,
                "meeting_base_url": settings.meeting_base_url,
                "hold_minutes": str(settings.hold_minutes),
                "idle_lock_minutes": str(settings.idle_lock_minutes),
                "cancellation_free_hours": str(settings.cancellation_free_hours),
            }
        )

    def save(self) -> None:
        if self.sending:
            return
        changed = self.changed()
        if not changed:
            return
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for key, typed in changed.items():
            value = whole_number(typed) if key in NUMBER_KEYS else typed
            try:
                values[key] = validate_setting(key, value)
            except ValidationError as exc:
                errors[key] = str(exc)
        self.show_field_errors(errors)
        if errors:
            self.show_error("Nothing was saved: correct the marked fields first.")
            return
        shown = {key: str(value) for key, value in values.items()}
        self.send(
            UpdateClinicSettings(values=values),
            lambda: self.accept_saved(shown),
            "Clinic settings saved.",
        )
