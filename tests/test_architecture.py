"""The dependency direction of docs/architecture.md, checked by walking the imports."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "azukari"

# package -> module prefixes it must never import
FORBIDDEN = {
    "booking": ("azukari.ivr", "azukari.staff", "fastapi", "starlette", "twilio", "azukari.messaging.sender",
                "azukari.messaging.twilio_http"),
    "identity": ("azukari.ivr", "azukari.staff", "azukari.booking", "fastapi", "starlette", "twilio"),
    "registration": ("azukari.ivr", "azukari.staff", "fastapi", "starlette", "twilio"),
    "households": ("fastapi", "starlette", "twilio"),
    "language": ("sqlalchemy", "fastapi", "starlette", "twilio"),
    "oversight": ("azukari.ivr", "azukari.staff", "azukari.booking", "azukari.identity", "fastapi", "twilio"),
    "messaging": ("azukari.ivr", "azukari.staff", "fastapi", "starlette"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations(package: str) -> list[str]:
    out = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[package]):
                out.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return out


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_lower_layers_never_import_the_layers_above_them(package: str) -> None:
    assert _violations(package) == []


def test_the_sms_texts_and_the_outbox_import_no_twilio() -> None:
    for module in ("texts.py", "outbox.py"):
        assert not {n for n in _imports(PACKAGE / "messaging" / module) if n.startswith("twilio")}


def test_nothing_builds_engines_or_settings_at_import_time() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
                func = node.value.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in {"create_engine", "Settings", "Database", "Client", "make_engine", "create_app"}:
                    offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} calls {name}()")
    assert offenders == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the azukari modules it imports anywhere: at the top, in functions, under TYPE_CHECKING."""
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{anchor}.{base}" if base else anchor
                # `from azukari.ivr import service` imports the module azukari.ivr.service
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base for a in node.names]
            for target in targets:
                while target and target not in paths:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


# The floors of docs/architecture.md, bottom first: a package (or top-level module) may import only
# packages on a lower floor, and itself. A new arrow up, or a second package on a floor importing
# its neighbour, fails here; add a package to this table when you add it to the house.
FLOORS: dict[str, int] = {
    # 0-1: the foundation, and the words every channel and the matching share
    "clock": 0, "command_error": 0, "progress": 0, "stop_signals": 0, "body_limit": 0, "migrate": 0,
    "language": 0, "spreadsheet": 0,
    "settings": 1, "db": 1,
    # 2-5: the domain, households at the bottom; registration is the desk staff's layer above it
    "households": 2, "oversight": 2,
    "identity": 3, "messaging": 3,
    "booking": 4,
    "registration": 5, "conversations": 5,
    # 6-8: the service's own machinery
    "operations": 6,
    "runtime": 7,
    "erasure": 8, "jobs": 8,
    # 9: the channels (calls and texts, the staff console; the parents' web pages go here too)
    "ivr": 9, "staff": 9, "web": 9,
    # 10-13: the composition: the web app, the processes, the command
    "request_scope": 10, "worker": 10,
    "app": 11,
    "server": 12, "phone": 12,
    "cli": 13,
}
# Modules that must read every table, and so sit outside the floors, each with its reason.
READ_EVERY_TABLE = {
    "azukari.schema": "the schema list: imports every models module so Alembic and tests see all tables",
    "azukari.erasure.export": "`azukari export` writes every table",
    "azukari.erasure.erase_all": "`azukari erase-all` empties every table of household data",
    "azukari.migrations": "Alembic's environment reads the schema list; old revisions import the code of their day",
}


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _excepted(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in READ_EVERY_TABLE)


def _arrows_up(graph: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        here = _folder(module)
        if not here or _excepted(module):
            continue
        for target in sorted(targets):
            there = _folder(target)
            if there and there != here and not _excepted(target) and FLOORS[there] >= FLOORS[here]:
                found.append(f"{module} (floor {FLOORS[here]}) imports {target} (floor {FLOORS[there]})")
    return found


def test_every_package_of_azukari_has_a_floor() -> None:
    folders = {_folder(name) for name in _import_graph()} - {""}
    assert sorted(folders - set(FLOORS) - {_folder(name) for name in READ_EVERY_TABLE}) == []


def test_no_import_runs_from_a_lower_floor_to_a_higher_one_or_across_a_floor() -> None:
    assert _arrows_up(_import_graph()) == []


def test_the_floor_rule_finds_an_arrow_up() -> None:
    graph = {"azukari.booking.service": {"azukari.ivr.routes"}, "azukari.ivr.routes": {"azukari.booking.service"}}
    assert _arrows_up(graph) == ["azukari.booking.service (floor 4) imports azukari.ivr.routes (floor 9)"]


def test_the_conversation_machine_imports_only_itself_and_the_language_package() -> None:
    graph = _import_graph()
    machine = [name for name in graph if name.startswith("azukari.ivr.machine")]
    outside = {f"{name} imports {target}" for name in machine for target in graph[name]
               if not target.startswith(("azukari.ivr.machine", "azukari.language"))}
    assert machine and sorted(outside) == []


def test_loading_the_conversation_machine_loads_no_sqlalchemy_and_no_other_floor() -> None:
    code = ("import sys, azukari.ivr.machine.conversation; "
            "print(sorted({m for m in sys.modules if m.startswith(('sqlalchemy', 'fastapi', 'twilio'))} | "
            "{m for m in sys.modules if m.startswith('azukari.') and not m.startswith("
            "('azukari.ivr', 'azukari.language'))}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_language_package_imports_nothing_else_of_azukari() -> None:
    graph = _import_graph()
    assert sorted(f"{n} imports {t}" for n in graph if n.startswith("azukari.language")
                  for t in graph[n] if not t.startswith("azukari.language")) == []


def test_no_module_of_azukari_imports_itself_through_others() -> None:
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_a_type_checking_import() -> None:
    graph = {"azukari.app": {"azukari.ivr.routes"}, "azukari.ivr.routes": {"azukari.app"}, "azukari.db": set()}
    assert _cycles(graph) == [["azukari.app", "azukari.ivr.routes"]]
