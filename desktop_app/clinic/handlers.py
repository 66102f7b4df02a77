"""Handlers for clinic-wide settings."""

from __future__ import annotations

from desktop_app.clinic.commands import UpdateClinicSettings
from desktop_app.clinic.events import ClinicSettingsChanged
from desktop_app.clinic.settings import validate_setting
from desktop_app.infra.database import upsert
from desktop_app.kernel.actor import Actor
from desktop_app.kernel.messagebus import HandlerSpec, HandlerTable, Outcome
from desktop_app.kernel.unit_of_work import UnitOfWork
from models import ClinicSetting, Role


def update_clinic_settings(uow: UnitOfWork, cmd: UpdateClinicSettings, actor: Actor) -> Outcome:
    # Validate everything before writing anything.
    cleaned = {key: validate_setting(key, value) for key, value in cmd.values.items()}
    for key, value in cleaned.items():
        upsert(uow.session, ClinicSetting.__table__, {"key": key, "value": value}, ["key"])
    uow.emit(ClinicSettingsChanged(tuple(sorted(cleaned))))
    return Outcome(target="clinic:settings")


# What this module handles, and who may issue each command; the composition
# root (desktop_app/bootstrap.py) puts the tables of every domain together.
HANDLERS: HandlerTable = {
    UpdateClinicSettings: HandlerSpec(update_clinic_settings, roles=frozenset({Role.MANAGER})),
}
