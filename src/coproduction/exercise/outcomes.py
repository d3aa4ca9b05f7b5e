"""How a check's outcome is shown: as its message alone, never a traceback.

A wrong or missing answer raises :class:`NotRight` or :class:`NotAnswered`,
whose rendering in Jupyter is the message alone; an optional part not
attempted is marked :data:`NOT_ATTEMPTED`.
"""

from __future__ import annotations

from coproduction.checks import wrap

__all__ = ["NOT_ATTEMPTED", "Plain", "NotAnswered", "NotRight", "not_attempted"]


#: How a check marks an optional part that has not been attempted.
NOT_ATTEMPTED = "…"


class Plain(AssertionError):
    """A check's outcome shown as its message alone: Jupyter asks an
    exception for ``_render_traceback_`` before drawing a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(wrap(message))

    def _render_traceback_(self) -> list[str]:
        return [f"{self.mark} {line}" if i == 0 else f"  {line}" for i, line in enumerate(str(self).splitlines())]


class NotAnswered(Plain):
    """A part not answered yet."""

    mark = "…"


class NotRight(Plain):
    """A wrong answer, with what is wrong with it."""

    mark = "✗"


def not_attempted(name: str) -> str:
    return (f"Not attempted (optional): write {name} in the cell above and run it, then this check. This part "
            "is for analysts who write Python; the exercise is complete without it.")
