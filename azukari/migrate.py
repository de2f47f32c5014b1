"""Bring a database to the latest schema with Alembic (idempotent).

Migration files are named `NNNN_slug.py` in applied order, so listing `migrations/versions`
reads the chain from the first revision to the head. The revision ids inside the older files
(`lead_1`, `rules_2`, ...) stay as they were: deployed databases store them in `alembic_version`.
New revisions take their file number as their id.
"""
from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import Script
from sqlalchemy import Engine

_SCRIPTS = Path(__file__).parent / "migrations"
_NUMBERED = re.compile(r"(\d{4})_\w+\.py")


def alembic_config(engine: Engine, scripts: Path = _SCRIPTS) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, scripts: Path = _SCRIPTS) -> None:
    config = alembic_config(engine, scripts)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()


def next_number(versions: Path) -> str:
    """The next file number in `versions`: one past the highest `NNNN_` file, four digits."""
    numbers = [int(m.group(1)) for p in versions.glob("*.py") if (m := _NUMBERED.fullmatch(p.name))]
    return f"{max(numbers, default=0) + 1:04d}"


def autogenerate(engine: Engine, message: str, scripts: Path = _SCRIPTS) -> Path:
    """For developers: write a new revision from the difference between models and database.

    The file is `NNNN_<message slug>.py`, numbered after the last one; its revision id is `NNNN`.
    Returns the path of the file written.
    """
    config = alembic_config(engine, scripts)
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        written = command.revision(config, message=message, autogenerate=True,
                                   rev_id=next_number(scripts / "versions"))
    assert isinstance(written, Script)
    return Path(written.path)
