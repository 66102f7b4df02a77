"""Qt stays in ui/ (DESIGN §3): the core runs and is tested headless."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
CORE_PACKAGES = ("desktop_app", "models")


def _imported_modules(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _core_files() -> list[Path]:
    return sorted(p for package in CORE_PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_core_file_imports_qt() -> None:
    files = _core_files()
    assert len(files) > 10  # the walk found the packages
    offenders = []
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        qt = sorted(
            name
            for name in _imported_modules(tree)
            if name.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6"}
        )
        if qt:
            offenders.append(f"{path.relative_to(ROOT)}: {', '.join(qt)}")
    assert offenders == []


def test_importing_every_core_module_loads_no_qt() -> None:
    modules = []
    for path in _core_files():
        relative = path.relative_to(ROOT).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        # Alembic's env.py and revision files run only inside Alembic.
        if "migrations" in parts:
            continue
        modules.append(".".join(parts))
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(qt))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"Qt loaded by the core: {result.stdout}"
