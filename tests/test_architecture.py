"""The dependency direction of docs/architecture.md, checked by walking the imports."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "azukari"

# package -> module prefixes it must never import
FORBIDDEN = {
    "booking": ("azukari.ivr", "azukari.staff", "fastapi", "starlette", "twilio", "azukari.messaging.sender",
                "azukari.messaging.twilio_http"),
    "identity": ("azukari.ivr", "azukari.staff", "azukari.booking", "fastapi", "starlette", "twilio"),
    "registration": ("azukari.ivr", "azukari.staff", "fastapi", "starlette", "twilio"),
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


def test_no_module_of_azukari_imports_itself_through_others() -> None:
    assert _cycles(_import_graph()) == []


def test_the_cycle_finder_finds_a_cycle_through_a_type_checking_import() -> None:
    graph = {"azukari.app": {"azukari.ivr.routes"}, "azukari.ivr.routes": {"azukari.app"}, "azukari.db": set()}
    assert _cycles(graph) == [["azukari.app", "azukari.ivr.routes"]]
