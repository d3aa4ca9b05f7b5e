"""What a grading process asks Linux about itself (Linux's ``prctl``; no-ops
elsewhere): shared by the host, the worker and the learner's process."""

from __future__ import annotations

import signal

__all__ = ["die_with_parent", "not_dumpable", "dumpable", "subreaper"]


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: nothing to ask for
        pass


def die_with_parent() -> None:
    """Ask Linux to kill this process if its parent dies (so nothing a
    learner started outlives an interrupted run). No-op elsewhere."""
    _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def not_dumpable() -> None:
    """No process of the same user may read this one's memory or descriptors."""
    _prctl(4, 0)  # PR_SET_DUMPABLE


def dumpable() -> None:
    """Undo :func:`not_dumpable` in a learner's process (which inherits it)."""
    _prctl(4, 1)


def subreaper() -> None:
    """Orphans of this process's descendants become its children, so the
    worker can find and end them even after they leave their session."""
    _prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
