"""Migration files list in the order Alembic applies them, and a new one is numbered after the last."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

from alembic.script import ScriptDirectory

from azukari import migrate
from azukari.db import Database

VERSIONS = Path(migrate.__file__).parent / "migrations" / "versions"


def _revision_ids(path: Path) -> tuple[str, str | None]:
    """The file's `revision` and `down_revision`, read from its source rather than by importing it."""
    found: dict[str, str | None] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None
                and node.target.id in ("revision", "down_revision")):
            found[node.target.id] = ast.literal_eval(node.value)
    revision = found["revision"]
    assert isinstance(revision, str)
    return revision, found["down_revision"]


def _chain(versions: Path) -> list[str]:
    """The file names from the first revision to the head, following `down_revision`."""
    by_parent = {}
    for path in versions.glob("*.py"):
        revision, parent = _revision_ids(path)
        assert parent not in by_parent, f"{path.name} branches the chain"
        by_parent[parent] = (revision, path.name)
    names, parent = [], None
    while parent in by_parent:
        parent, name = by_parent.pop(parent)
        names.append(name)
    assert not by_parent, f"not on the chain: {sorted(name for _r, name in by_parent.values())}"
    return names


def test_the_sorted_migration_files_are_the_chain_in_applied_order() -> None:
    names = sorted(p.name for p in VERSIONS.glob("*.py"))
    assert _chain(VERSIONS) == names
    assert [name[:5] for name in names] == [f"{n:04d}_" for n in range(1, len(names) + 1)]


def test_the_chain_read_from_the_files_ends_at_alembics_head() -> None:
    head = ScriptDirectory(str(VERSIONS.parent)).get_current_head()
    assert _revision_ids(VERSIONS / _chain(VERSIONS)[-1])[0] == head


def test_autogenerate_writes_the_next_numbered_file_on_top_of_the_head(tmp_path: Path) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(VERSIONS.parent, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    last = sorted(p.name for p in VERSIONS.glob("*.py"))[-1]
    head = _revision_ids(VERSIONS / last)[0]
    number = int(last[:4]) + 1
    database = Database(f"sqlite:///{tmp_path / 'azukari.db'}")
    try:
        migrate.upgrade(database.engine, scripts)
        first = migrate.autogenerate(database.engine, "Waiting-list notes, per unit!", scripts)
        migrate.upgrade(database.engine, scripts)
        second = migrate.autogenerate(database.engine, "another", scripts)
    finally:
        database.dispose()
    assert first.name == f"{number:04d}_waiting_list_notes_per_unit.py"
    assert _revision_ids(first) == (f"{number:04d}", head)
    assert second.name == f"{number + 1:04d}_another.py"
    assert _revision_ids(second) == (f"{number + 1:04d}", f"{number:04d}")
    assert _chain(scripts / "versions") == sorted(p.name for p in (scripts / "versions").glob("*.py"))


def test_the_next_number_ignores_files_that_are_not_numbered(tmp_path: Path) -> None:
    for name in ("0001_a.py", "0009_b.py", "lead_1_c.py", "12345_d.py", "__init__.py"):
        (tmp_path / name).write_text("")
    assert migrate.next_number(tmp_path) == "0010"
    assert migrate.next_number(tmp_path / "empty") == "0001"
