"""Handlers for clinic-wide settings."""

from __future__ import annotations

from desktop_app.actor import Actor
from desktop_app.clinic_settings import validate_setting
from desktop_app.commands import UpdateClinicSettings
from desktop_app.database import upsert
from desktop_app.events import ClinicSettingsChanged
from desktop_app.messagebus import Outcome, handles
from desktop_app.unit_of_work import UnitOfWork
from models import ClinicSetting, Role


@handles(UpdateClinicSettings, roles={Role.MANAGER})
def update_clinic_settings(uow: UnitOfWork, cmd: UpdateClinicSettings, actor: Actor) -> Outcome:
    # Validate everything before writing anything.
    cleaned = {key: validate_setting(key, value) for key, value in cmd.values.items()}
    for key, value in cleaned.items():
        upsert(uow.session, ClinicSetting.__table__, {"key": key, "value": value}, ["key"])
    uow.emit(ClinicSettingsChanged(tuple(sorted(cleaned))))
    return Outcome(target="clinic:settings")
