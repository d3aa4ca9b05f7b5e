"""A grading run's progress: a bar with an estimate of the time left."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["Progress"]


class Progress:
    """A progress bar with an estimate of the time left, on one line of a
    terminal or as occasional lines in a log."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total, self.done, self.stream, self.enabled = total, 0, stream, enabled
        self.start = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_tenth = -1

    def update(self, label: str) -> None:
        self.done += 1
        if not self.enabled or not self.total:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        share = self.done / self.total
        bar = "#" * int(share * 30) + "-" * (30 - int(share * 30))
        line = (f"[{bar}] {self.done}/{self.total} {share:4.0%}  {_clock(elapsed)} elapsed, "
                f"about {_clock(left)} left  {label}")
        if self.tty:
            self.stream.write("\r" + line[:150].ljust(150))
            if self.done == self.total:
                self.stream.write("\n")
        elif int(share * 10) != self._last_tenth or self.done == self.total:
            self._last_tenth = int(share * 10)
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"
