"""The UI reads the core's rules rather than writing its own.

Which appointment status may go to which is desktop_app.booking.lifecycle's
table. In ui/ a status member may be a key of a display table (labels,
colours) or be compared by identity for how one status looks (a cancelled
block is struck through); a set, tuple or membership test of statuses —
the shape a transition rule takes — belongs to the lifecycle module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _status_members(tree: ast.AST) -> list[tuple[ast.Attribute, ast.AST | None]]:
    """Every `AppointmentStatus.<member>` with the node it stands in."""
    parents: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[child] = node
    return [
        (node, parents.get(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "AppointmentStatus"
    ]


def _allowed(node: ast.Attribute, parent: ast.AST | None) -> bool:
    if isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
        return True  # a display table: {AppointmentStatus.BOOKED: "Booked", ...}
    if isinstance(parent, ast.Compare) and len(parent.ops) == 1:
        return isinstance(parent.ops[0], ast.Is | ast.IsNot)  # how one status looks
    return False


def _offences(source: str) -> list[int]:
    return [
        node.lineno
        for node, parent in _status_members(ast.parse(source))
        if not _allowed(node, parent)
    ]


def test_the_ui_writes_no_life_cycle_rule_of_its_own() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "ui").rglob("*.py"))
        for line in _offences(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "use desktop_app.booking.lifecycle instead"


def test_the_check_sees_a_rule_written_in_the_ui() -> None:
    assert _offences("MOVABLE = frozenset({AppointmentStatus.BOOKED})\n") == [1]
    assert _offences(
        "ok = row.status in (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN)\n"
    ) == [1, 1]
    assert _offences("ok = row.status == AppointmentStatus.BOOKED\n") == [1]
    assert _offences("struck = row.status is AppointmentStatus.CANCELLED\n") == []
    assert _offences("LABELS = {AppointmentStatus.BOOKED: 'Booked'}\n") == []
