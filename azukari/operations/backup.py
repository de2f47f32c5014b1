"""`azukari backup FILE`: a consistent copy while the service runs.

SQLite copies through its online backup API, which reads one snapshot while writers carry on
(WAL); PostgreSQL through `pg_dump --format=custom`, one repeatable-read transaction.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from azukari.db import Database


class BackupError(Exception):
    """The copy could not be made; said in one line an operator can act on."""


def backup(database: Database, target: Path) -> str:
    """Write a copy of `database` to `target`; a line saying what was written."""
    if target.exists() and target.is_dir():
        raise BackupError(f"{target} is a directory: give the name of the file to write")
    if not target.parent.exists():
        # Like `export`: the copy holds everything, so only the service's user may read it or its folder.
        target.parent.mkdir(parents=True, mode=0o700)
    if database.dialect == "sqlite":
        _sqlite(database, target)
    elif database.dialect == "postgresql":
        _postgres(database, target)
    else:
        raise BackupError(f"no backup for {database.dialect} databases")
    return f"backed up to {target} ({target.stat().st_size} bytes)"


def _private_partial(target: Path) -> Path:
    """The empty file a copy is written into before it takes `target`'s name: 0600 whatever the umask, made
    afresh (never one left by someone else, nor a link to elsewhere)."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(partial, 0o600)
    return partial


def _sqlite(database: Database, target: Path) -> None:
    partial = _private_partial(target)
    raw = database.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        copy = sqlite3.connect(partial)
        try:
            # All pages in one step: one read snapshot, so the copy is one moment of the database.
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        raw.close()
    os.replace(partial, target)  # a failed backup never leaves a half-written FILE


def _postgres(database: Database, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump was not found on PATH: install the PostgreSQL client tools "
                          "(Debian/Ubuntu: apt-get install postgresql-client) of the server's major version or newer")
    url = make_url(database.url)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    # libpq takes the URL without SQLAlchemy's driver name; the password goes by environment, not argv.
    libpq = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    partial = _private_partial(target)  # pg_dump writes into it and keeps its mode
    done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq}"],
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"pg_dump failed: {last}")
    os.replace(partial, target)
