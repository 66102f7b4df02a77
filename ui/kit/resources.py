"""Style sheet and icons, found next to the package, with a plain fallback."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

# resources/ sits beside the ui package in the repository and in installs.
# (This module's own path, not ui.__file__: an editable install made before
# ui/ had an __init__.py sees ui as a namespace package, without __file__.)
RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"

ACCENT = "#2f6f8f"


def resource_path(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)


@cache
def style_sheet() -> str:
    """The application style sheet, or "" (Qt's own look) if it is missing."""
    path = resource_path("style.qss")
    try:
        sheet = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("style sheet %s not found; using the default look", path)
        return ""
    # url() in a style sheet resolves against the working directory, not the sheet.
    return sheet.replace("@ICONS@", resource_path("icons").as_posix())


def app_icon() -> QIcon:
    path = resource_path("icons", "clinicdesk.svg")
    return QIcon(str(path)) if path.exists() else QIcon()
