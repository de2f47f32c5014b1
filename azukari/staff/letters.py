"""Web password letters as files: `azukari import-households --letters DIR` (contract §8).

The import makes each new household's first web password; this prints it once, on a letter like the
console's (the same template), into a folder only its owner can read. The password is nowhere else in
plain text: the database holds its argon2 hash, the log and the audit trail hold counts.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from azukari.households.models import Household
from azukari.staff.console import templates


def render_web_letter(household: Household, *, web_password: str, web_url: str) -> str:
    """A printable HTML page, self-contained (no console style sheet), for a first web password."""
    return templates.env.get_template("web_letter_file.html").render(
        household=household, web_password=web_password, web_url=web_url, first=True)


class LetterFolder:
    """Writes one letter per household, `<世帯ID>.html`, mode 0600, in a folder of mode 0700.

    A missing folder is made; one that others can read or enter is refused (the letters hold passwords).
    `discard()` removes what this run wrote, for an import that did not commit.
    """

    def __init__(self, directory: Path, *, web_url: str) -> None:
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True)
            directory.chmod(0o700)  # whatever the umask
        if not directory.is_dir():
            raise ValueError(f"{directory}: not a folder")
        if stat.S_IMODE(directory.stat().st_mode) & 0o077:
            raise ValueError(f"{directory}: other users can open this folder; the letters hold passwords: "
                             f"`chmod 700 {directory}` or name a new folder")
        self.directory = directory
        self.web_url = web_url
        self.written: list[Path] = []

    def __call__(self, household: Household, password: str) -> None:
        path = self.directory / f"{household.household_id}.html"  # 世帯ID: 6 to 10 digits, checked on import
        text = render_web_letter(household, web_password=password, web_url=self.web_url)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            os.fchmod(fd, 0o600)  # a letter left by an earlier run keeps no wider mode
            file.write(text)
        self.written.append(path)

    def discard(self) -> None:
        for path in self.written:
            path.unlink(missing_ok=True)
        self.written.clear()
