"""Errors the user is meant to read. Their text says what happened and what to do."""

from __future__ import annotations


class ClinicdeskError(Exception):
    """Base for every error with a message fit for a person."""


class ConfigError(ClinicdeskError):
    pass


class DatabaseUnavailable(ClinicdeskError):
    pass


class SchemaTooNew(ClinicdeskError):
    pass


class PermissionDenied(ClinicdeskError):
    pass


class ValidationError(ClinicdeskError):
    pass


class NotFound(ClinicdeskError):
    pass


class Conflict(ClinicdeskError):
    """The change collides with what is already stored (a taken slot, a duplicate)."""
