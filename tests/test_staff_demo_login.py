"""What `serve --demo` prints to log in: the second factor's one-liner runs as printed (issue 23.15)."""
from __future__ import annotations

import datetime as dt
import subprocess

import pyotp

from azukari.db import Database
from azukari.settings import DEMO_SECRET_KEY
from azukari.staff.demo import DEMO_TOTP_SECRET, add_demo_account, demo_login

NOW = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)


def test_the_printed_totp_one_liner_runs_with_the_projects_python_and_prints_the_code(database: Database) -> None:
    with database.unit_of_work() as session:
        add_demo_account(session, secret_key=DEMO_SECRET_KEY, now=NOW)
        session.flush()
        lines = demo_login(session, console_url="http://127.0.0.1:8000/staff")
    [line] = [line for line in lines if "print the current code:" in line]
    command = line.split("print the current code:", 1)[1].strip()
    assert not command.startswith("python3 ")
    # Run exactly as a person would paste it, with an environment that has no project on its path.
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in {pyotp.TOTP(DEMO_TOTP_SECRET).at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=s))
                                   for s in (-30, 0, 30)}
