"""Settings (manager): the clinic's settings and the database, read-only for now."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QWidget

from desktop_app import queries
from desktop_app.actor import Actor
from desktop_app.app_context import AppContext
from desktop_app.clinic_settings import ClinicSettings
from desktop_app.events import ClinicSettingsChanged
from ui.views.base import DataView


class SettingsView(DataView[ClinicSettings]):
    TITLE = "Settings"
    SUBTITLE = "Editing hours, holidays, reminders, e-mail and backup comes with settings."
    REFRESH_ON = (ClinicSettingsChanged,)

    def __init__(self, ctx: AppContext, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(ctx, actor, parent)
        card = QFrame()
        card.setObjectName("formCard")
        form = QFormLayout(card)
        form.setContentsMargins(24, 20, 24, 20)
        form.setHorizontalSpacing(28)
        form.setVerticalSpacing(12)
        self.fields: dict[str, QLabel] = {}
        for key, caption in (
            ("clinic_name", "Clinic name"),
            ("timezone", "Time zone"),
            ("currency", "Currency"),
            ("meeting_base_url", "Video meeting address"),
        ):
            value = QLabel("–")
            value.setObjectName("formValue")
            self.fields[key] = value
            form.addRow(caption, value)
        self.database = QLabel(ctx.database_label)
        self.database.setObjectName("formValue")
        self.database.setWordWrap(True)
        form.addRow("Database", self.database)
        self.body.addWidget(card)
        self.body.addStretch(1)

    def fetch(self) -> Callable[[], ClinicSettings]:
        db = self.ctx.db
        return lambda: queries.clinic_settings(db)

    def apply(self, data: ClinicSettings) -> None:
        for key, label in self.fields.items():
            label.setText(str(getattr(data, key)) or "Not set")
