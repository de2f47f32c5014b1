"""Progress of a long command: a bar on a terminal, a line per tenth of the work otherwise (logs, cron mail)."""
from __future__ import annotations

import sys
from types import TracebackType
from typing import Never, TextIO

from tqdm import tqdm


class ProgressReport:
    """Called with (done, total); silent for work shorter than `long_from` items."""

    def __init__(self, label: str, *, long_from: int = 50, terminal: TextIO | None = None,
                 lines: TextIO | None = None) -> None:
        self.label = label
        self.long_from = long_from
        self._terminal = terminal or sys.stderr  # the bar goes where a person watches
        self._lines = lines or sys.stdout
        self._bar: tqdm[Never] | None = None
        self._tenths_shown = 0

    def __call__(self, done: int, total: int) -> None:
        if total < self.long_from:
            return
        if self._terminal.isatty():
            bar = self._bar
            if bar is None:
                bar = self._bar = tqdm(total=total, desc=self.label, unit="", file=self._terminal,
                                       dynamic_ncols=True)
            bar.update(done - bar.n)
            return
        tenths = done * 10 // total
        if tenths > self._tenths_shown:
            self._tenths_shown = tenths
            print(f"{self.label}: {tenths * 10}% ({done:,} of {total:,})", file=self._lines, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressReport:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
