"""Fixtures for the GUI tests (Qt is headless: see tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from desktop_app.bootstrap import AppContext
from desktop_app.kernel.actor import Actor
from tests.ui.sample_clinic import SampleClinic, create_manager, seed_sample_clinic
from ui.shell.app import configure_application


@pytest.fixture(autouse=True)
def _styled_app(qapp: QApplication) -> None:
    """The real style sheet, so tests see the widgets as users do."""
    configure_application(qapp)


@pytest.fixture
def sqlite_app(sqlite_app: AppContext) -> Iterator[AppContext]:
    """The shared fixture, plus: no background read outlives its test's database."""
    yield sqlite_app
    QThreadPool.globalInstance().waitForDone(10_000)


@pytest.fixture
def clinic(sqlite_app: AppContext) -> SampleClinic:
    return seed_sample_clinic(sqlite_app)


@pytest.fixture
def manager(sqlite_app: AppContext) -> Actor:
    return create_manager(sqlite_app)
