"""Clinic-wide settings as typed keys with JSON values (time zone, name, ...)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ClinicSetting(Base):
    __tablename__ = "clinic_setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
