"""The README's table of guarantees cites tests that exist, so a renamed or deleted test cannot leave a row unbacked."""
from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _table_rows() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What it guarantees, and where", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| invariant")]


def _tests_in(path: Path) -> set[str]:
    return {node.name for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_row_of_the_guarantees_table_cites_tests_that_exist() -> None:
    rows = _table_rows()
    assert len(rows) >= 10
    for row in rows:
        tested = row.rstrip(" |").rsplit(" | ", 1)[1]
        cited = re.findall(r"`(test_\w+\.py)(?:::(test_\w+))?`", tested)
        assert cited, f"no test cited for: {row[:80]}"
        for file, name in cited:
            path = ROOT / "tests" / file
            assert path.exists(), file
            assert not name or name in _tests_in(path), f"{file}::{name} does not exist"
