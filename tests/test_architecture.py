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
