"""The table models, on their own: sound under QAbstractItemModelTester, no window."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush
from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from desktop_app.booking.queries import AppointmentRow
from desktop_app.clients.queries import ClientRow
from desktop_app.staff.queries import PractitionerRow
from models.enums import AppointmentStatus, PractitionerStatus
from ui.clients.clients_model import ClientTableModel
from ui.kit.formatting import APPOINTMENT_STATUS_COLOURS
from ui.kit.table_model import ROW_ROLE, SORT_ROLE, RowTableModel
from ui.practitioners.practitioners_model import PractitionerTableModel
from ui.today.appointments_model import AppointmentTableModel

T0 = datetime(2025, 3, 30, 8, 0, tzinfo=UTC)


def appointment(i: int, status: AppointmentStatus = AppointmentStatus.BOOKED) -> AppointmentRow:
    return AppointmentRow(
        id=uuid.UUID(int=i),
        reference=f"R{i:04d}",
        starts_at=T0 + timedelta(hours=i),
        ends_at=T0 + timedelta(hours=i, minutes=50),
        status=status,
        client_name=f"Client {i}",
        practitioner_id=uuid.UUID(int=100 + i % 2),
        practitioner_name=["Zoe", "Adam"][i % 2],
        service_name="Individual session",
        colour="#5aa57b",
    )


def client(i: int, balance: int = 0) -> ClientRow:
    return ClientRow(uuid.UUID(int=i), f"Client {i}", f"c{i}@mail.example", None, None, balance)


def practitioner(i: int, status: PractitionerStatus) -> PractitionerRow:
    return PractitionerRow(
        uuid.UUID(int=i), f"P {i}", f"p{i}@x.example", "Dentist", status, "#3f8fd2", ("a", "b")
    )


CASES: list[tuple[Callable[[], RowTableModel[Any]], Callable[[int], Any]]] = [
    (AppointmentTableModel, lambda i: appointment(i, list(AppointmentStatus)[i % 6])),
    (ClientTableModel, lambda i: client(i, i - 3)),
    (PractitionerTableModel, lambda i: practitioner(i, list(PractitionerStatus)[i % 4])),
]


def _tested(model: RowTableModel[Any]) -> QAbstractItemModelTester:
    return QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)


def _every_cell(model: RowTableModel[Any]) -> None:
    roles = [
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        SORT_ROLE,
        ROW_ROLE,
    ]
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            for role in roles:
                model.data(model.index(r, c), role)


@pytest.mark.parametrize(("factory", "make_row"), CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_model_passes_the_item_model_tester(
    factory: Callable[[], RowTableModel[Any]],
    make_row: Callable[[int], Any],
    qtbot: QtBot,
    qtlog: Any,
) -> None:
    model = factory()
    tester = _tested(model)
    rows: Sequence[Any] = [make_row(i) for i in range(1, 9)]
    model.set_rows(rows)
    assert model.rowCount() == 8
    assert model.columnCount() == len(model.HEADERS)
    _every_cell(model)
    # Same rows again, one changed: targeted dataChanged, no reset.
    changed = list(rows)
    changed[2] = _altered(changed[2])
    model.set_rows(changed)
    _every_cell(model)
    model.set_rows(list(reversed(changed))[:5])
    model.set_rows([])
    assert model.rowCount() == 0
    # Sorting through a proxy with the sort role exercises sort values of every column.
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    model.set_rows(rows)
    for column in range(model.columnCount()):
        proxy.sort(column, Qt.SortOrder.DescendingOrder)
    del tester
    failures = [r.message for r in qtlog.records if "FAIL" in r.message]
    assert failures == []


def _altered(row: Any) -> Any:
    for name, value in (
        ("client_name", "Renamed"),
        ("full_name", "Renamed"),
        ("name", "Renamed"),
        ("workstation", "desk-9"),
    ):
        if hasattr(row, name):
            return dataclasses.replace(row, **{name: value})
    raise AssertionError(row)


def test_refresh_with_the_same_rows_emits_data_changed_for_changed_rows_only(
    qtbot: QtBot,
) -> None:
    model = ClientTableModel()
    rows = [client(i) for i in range(5)]
    model.set_rows(rows)
    rows[3] = dataclasses.replace(rows[3], balance=7)
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_rows(rows)
    assert changed == [(3, 3)]
    assert resets == []
    assert model.data(model.index(3, ClientTableModel.COL_BALANCE)) == "7"

    model.set_rows(rows[:4])
    assert resets == [True]


def test_appointment_status_is_coloured_and_times_are_local() -> None:
    model = AppointmentTableModel(tz=ZoneInfo("Europe/London"))
    model.set_rows([appointment(1, AppointmentStatus.NO_SHOW)])
    status = model.index(0, AppointmentTableModel.COL_STATUS)
    assert model.data(status) == "No-show"
    brush = model.data(status, Qt.ItemDataRole.BackgroundRole)
    assert isinstance(brush, QBrush)
    assert brush.color().name() == APPOINTMENT_STATUS_COLOURS[AppointmentStatus.NO_SHOW][0]
    # 2025-03-30 09:00 UTC is 10:00 in London: the clocks went forward that night.
    assert model.data(model.index(0, AppointmentTableModel.COL_TIME)) == "10:00–10:50"
    model.set_timezone(ZoneInfo("UTC"))
    assert model.data(model.index(0, AppointmentTableModel.COL_TIME)) == "09:00–09:50"


def test_sorting_by_practitioner_keeps_time_order_within_each() -> None:
    model = AppointmentTableModel()
    model.set_rows([appointment(i) for i in range(1, 7)])
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(AppointmentTableModel.COL_PRACTITIONER)
    order = [
        proxy.data(proxy.index(r, AppointmentTableModel.COL_REFERENCE))
        for r in range(proxy.rowCount())
    ]
    # Adam has the odd hours, Zoe the even ones.
    assert order == ["R0001", "R0003", "R0005", "R0002", "R0004", "R0006"]
