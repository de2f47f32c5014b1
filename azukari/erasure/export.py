"""`azukari export DIR`: every table as a CSV, with a manifest of row counts and SHA-256 checksums.

For the end of a contract (handing the data to the ward or the next supplier): the files hold
everything the database holds, so they are written readable by their owner only.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, inspect, select, text

from azukari import spreadsheet
from azukari.schema import metadata

MANIFEST = "manifest.json"
# A handover needs the ward's data, not the service's credentials: these are left out, and the manifest says so.
LEFT_OUT_TABLES = {
    "staff_sessions": "staff sign-in sessions (token hashes): they end with the service",
    "staff_recovery_codes": "staff second-factor recovery codes (hashes)",
    "console_secrets": "the console's own keys",
}
LEFT_OUT_COLUMNS = {
    # The accounts stay (the audit log names staff by them); their credentials do not.
    "staff_accounts": {"password_hash": "staff password hashes", "totp_secret": "sealed second-factor secrets",
                       "totp_last_step": "the last second-factor code used"},
}


class ExportError(Exception):
    """The export cannot be written where it was asked."""


@dataclass(frozen=True)
class TableExport:
    table: str
    rows: int
    sha256: str


def _cell(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _write_table(connection: Connection, name: str, path: Path) -> TableExport:
    table = metadata.tables[name]
    columns = [c for c in table.columns if c.name not in LEFT_OUT_COLUMNS.get(name, {})]
    digest = hashlib.sha256()
    rows = 0
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.name for c in columns])
        order = list(table.primary_key.columns) or list(table.columns)
        for row in connection.execute(select(*columns).order_by(*order)).yield_per(2000):
            writer.writerow([spreadsheet.cell(_cell(v)) for v in row])
            rows += 1
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return TableExport(name, rows, digest.hexdigest())


def export_all(connection: Connection, directory: Path, *, now: dt.datetime) -> list[TableExport]:
    """Write one CSV per table and the manifest into `directory` (new or empty); one consistent read."""
    if directory.exists() and any(directory.iterdir()):
        raise ExportError(f"{directory} is not empty: give a new or empty directory")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    present = set(inspect(connection).get_table_names())
    exported = [_write_table(connection, t.name, directory / f"{t.name}.csv")
                for t in metadata.sorted_tables if t.name in present and t.name not in LEFT_OUT_TABLES]
    revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    manifest = {"exported_at": now.isoformat(), "schema_revision": revision, "format": "CSV, UTF-8, header row",
                "formula_cells": "a text cell starting with = + - @, tab or CR has a ' put in front, so a "
                                 "spreadsheet shows it as text and never runs it; strip it to read the value",
                "left_out": {"tables": LEFT_OUT_TABLES, "columns": LEFT_OUT_COLUMNS},
                "tables": {e.table: {"file": f"{e.table}.csv", "rows": e.rows, "sha256": e.sha256}
                           for e in exported}}
    fd = os.open(directory / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=2)
    return exported


def verify(directory: Path) -> list[str]:
    """Problems found comparing the files with the manifest (empty when the export is whole)."""
    manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    for name, entry in manifest["tables"].items():
        path = directory / entry["file"]
        if not path.exists():
            problems.append(f"{name}: file missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            problems.append(f"{name}: checksum differs")
    return problems
