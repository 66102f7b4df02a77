"""The layout keeps its promises (DESIGN §3, the README's map).

- No import cycle anywhere in the product, type-only and late imports included.
- The UI reaches the core through commands, queries, results and errors: it
  never imports a handler module, and only the GUI's start builds the app.
- Only entry points import the composition root.
- The core never imports the UI or the tools.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRODUCT = ("desktop_app", "models", "ui", "tools")
# The composition root and who may build the app with it: the command line,
# the GUI's start and the developer tools (screenshots, timings) it runs.
ROOT_MODULE = "desktop_app.bootstrap"
ENTRY_POINTS = {"desktop_app.cli", "ui.shell.app"}


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            # Alembic's env.py and revisions run only inside Alembic.
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str) -> set[str]:
    """Every product module `module` imports, wherever the import stands."""
    path = MODULES[module]
    out: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved and resolved != module:
                out.add(resolved)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def _is_handler_module(module: str) -> bool:
    leaf = module.rpartition(".")[2]
    return leaf == "handlers" or leaf.endswith("_handlers")


def test_the_walk_found_the_product() -> None:
    assert "desktop_app.kernel.messagebus" in MODULES
    assert "ui.shell.main_window" in MODULES
    assert GRAPH["desktop_app.bootstrap"], "the import walk found nothing"


def test_no_import_cycles() -> None:
    assert _cycles() == []


def test_the_ui_never_imports_a_handler_module() -> None:
    offenders = sorted(
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if m.startswith(("ui.", "tools."))
        for t in targets
        if _is_handler_module(t)
    )
    assert offenders == []


def test_only_entry_points_import_the_composition_root() -> None:
    importers = {m for m, targets in GRAPH.items() if ROOT_MODULE in targets}
    assert importers - ENTRY_POINTS - {m for m in importers if m.startswith("tools.")} == set()


def test_the_core_never_imports_the_ui_or_the_tools() -> None:
    offenders = sorted(
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if m.startswith(("desktop_app.", "models")) and m not in ENTRY_POINTS
        for t in targets
        if t.startswith(("ui.", "tools.")) or t in ("ui", "tools")
    )
    assert offenders == []


def test_handler_modules_are_imported_only_inside_the_core() -> None:
    offenders = sorted(
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if not m.startswith("desktop_app.")
        for t in targets
        if _is_handler_module(t)
    )
    assert offenders == []


def _readme_map() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def test_the_readme_map_matches_the_folders() -> None:
    listed = _readme_map()
    assert all(entry.endswith("/") for entry in listed), listed
    missing = [entry for entry in listed if not (ROOT / entry).is_dir()]
    assert missing == [], "the README's map names folders that do not exist"
    packages = {
        f"{path.parent.relative_to(ROOT).as_posix()}/"
        for top in PRODUCT
        for path in (ROOT / top).rglob("__init__.py")
    }
    assert packages - set(listed) == set(), "add these packages to the README's map"
