"""No module reaches into another's private names, and the developer tools
keep one shape: the screenshot series share a public helper module, and
only `render` imports the series.
"""

from __future__ import annotations

import ast

from tests.unit.architecture.test_layout import GRAPH, MODULES, _resolve

SCREENSHOTS = "tools.screenshots"
HELPERS = f"{SCREENSHOTS}.support"
RENDER = f"{SCREENSHOTS}.render"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _reaches(module: str) -> list[str]:
    """`from x import _name` and `x._name` (x a product module imported here)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    imported: dict[str, str] = {}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                target = _resolve(f"{node.module}.{alias.name}")
                if target and target != _resolve(node.module):
                    imported[alias.asname or alias.name] = target  # a module
                elif _private(alias.name) and _resolve(node.module) not in (None, module):
                    found.append(f"{module}:{node.lineno} from {node.module} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and _resolve(alias.name) == alias.name:
                    imported[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and _private(node.attr)
            and isinstance(node.value, ast.Name)
            and imported.get(node.value.id, module) != module
        ):
            found.append(f"{module}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names() -> None:
    assert [hit for module in sorted(MODULES) for hit in _reaches(module)] == []


def test_only_render_imports_the_screenshot_series() -> None:
    series = {m for m in MODULES if m.startswith(f"{SCREENSHOTS}.") and m not in (HELPERS, RENDER)}
    assert series, "the walk found no screenshot series"
    importers = {m for m, targets in GRAPH.items() if targets & series}
    assert importers - {RENDER} - {m for m in importers if m.startswith("tests.")} == set()
    # The helpers stand alone: they import no series, nor render.
    assert GRAPH[HELPERS] & (series | {RENDER}) == set()
