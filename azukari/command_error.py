"""The one failure a command reports in a line: its own module, so commands and the CLI share it."""
from __future__ import annotations


class CommandError(Exception):
    """A failure to report in one line, with a non-zero exit status."""
