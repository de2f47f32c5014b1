"""Progress of a long command: a bar on a terminal, a line per tenth elsewhere."""
from __future__ import annotations

import io

from azukari.progress import ProgressReport


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_is_a_bar_and_no_lines() -> None:
    terminal, lines = Terminal(), io.StringIO()
    with ProgressReport("households", terminal=terminal, lines=lines) as progress:
        for done in range(1, 201):
            progress(done, 200)
    assert "households" in terminal.getvalue() and "200/200" in terminal.getvalue()
    assert lines.getvalue() == ""


def test_elsewhere_each_tenth_is_one_line_even_when_reports_skip_some() -> None:
    terminal, lines = io.StringIO(), io.StringIO()
    with ProgressReport("households", terminal=terminal, lines=lines) as progress:
        for done in (1, 150, 999, 1000):
            progress(done, 1000)
    assert lines.getvalue().splitlines() == ["households: 10% (150 of 1,000)", "households: 90% (999 of 1,000)",
                                             "households: 100% (1,000 of 1,000)"]
    assert terminal.getvalue() == ""
