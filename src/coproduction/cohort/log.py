"""The trainer's commands log through Python's standard ``logging``.

Every module of the pipeline logs to a child of the ``coproduction`` logger
(:func:`logger`). A command (:func:`configure`) shows messages on standard
error, plainly (``--quiet``: warnings only; ``--verbose``: every detail), and
writes every message, with its time, level and source, to a new file under
the workspace's ``logs/`` folder, which a trainer can read or send on when a
run goes wrong. Whatever a message holds (a learner's id, an error a
learner's notebook caused) is made inert before it is written: control
characters are shown as escapes, and a message is cut at
:data:`MAX_MESSAGE` characters.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TextIO

__all__ = ["ROOT", "MAX_MESSAGE", "logger", "configure", "unconfigure"]

ROOT = "coproduction"
#: The longest message written whole (a learner's text can be long).
MAX_MESSAGE = 2_000
_OURS = "coproduction_handler"  # marks the handlers configure() adds, so a second call replaces them


def logger(name: str) -> logging.Logger:
    """The logger of the module ``name`` (pass ``__name__``)."""
    return logging.getLogger(name if name.startswith(ROOT) else f"{ROOT}.{name}")


class _Inert(logging.Formatter):
    """A formatter whose every line is safe for a terminal or a log viewer,
    a traceback's included; the message is cut at :data:`MAX_MESSAGE`."""

    def format(self, record: logging.LogRecord) -> str:
        from coproduction.cohort.inert import terminal

        message = record.getMessage()
        if len(message) > MAX_MESSAGE:
            message = message[:MAX_MESSAGE] + f"… ({len(message) - MAX_MESSAGE} more characters not shown)"
        cut = logging.makeLogRecord({**record.__dict__, "msg": message, "args": None})
        return "\n".join(terminal(line) for line in super().format(cut).split("\n"))


def configure(verbosity: int = 0, workspace: Path | None = None, command: str = "command",
              stream: TextIO | None = None) -> Path | None:
    """Send the ``coproduction`` logs to ``stream`` (standard error) at the
    level ``verbosity`` asks (-1 warnings, 0 progress, 1 every detail) and, if
    ``workspace`` exists, to a new timestamped file in its ``logs/`` folder,
    at every level. Returns that file."""
    unconfigure()
    root = logging.getLogger(ROOT)
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler(stream or sys.stderr)
    console.setLevel(logging.WARNING if verbosity < 0 else logging.INFO if verbosity == 0 else logging.DEBUG)
    console.setFormatter(_Inert("%(message)s"))
    setattr(console, _OURS, True)
    root.addHandler(console)
    if workspace is None or not workspace.is_dir():
        return None
    folder = workspace / "logs"
    folder.mkdir(exist_ok=True)
    path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{command}.log"
    if path.exists():  # two commands in one second
        path = path.with_name(f"{path.stem}-{time.monotonic_ns()}.log")
    file = logging.FileHandler(path, encoding="utf-8")
    file.setLevel(logging.DEBUG)
    file.setFormatter(_Inert("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    setattr(file, _OURS, True)
    root.addHandler(file)
    return path


def unconfigure() -> None:
    """Remove what :func:`configure` added (at the end of a command): the file
    is closed, and a later caller's logging is its own again."""
    root = logging.getLogger(ROOT)
    for handler in [h for h in root.handlers if getattr(h, _OURS, False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.NOTSET)
