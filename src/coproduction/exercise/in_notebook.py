"""What an exercise notebook's cells call: ``check`` under each core part,
``going_further`` around an optional part's visible checks and
``check_my_work`` in the last cell. The top of :mod:`coproduction.exercise`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from coproduction.answer_cells import read_answer
from coproduction.checks import wrap
from coproduction.exercise.judging import judge
from coproduction.exercise.key import load_key
from coproduction.exercise.outcomes import NOT_ATTEMPTED, NotAnswered, NotRight, Plain, not_attempted
from coproduction.exercise.report import Report, check_notebook

__all__ = ["check", "going_further", "check_my_work", "is_empty_function"]


def _caller_namespace() -> dict[str, Any]:
    frame = sys._getframe(2)
    return frame.f_globals


def check(exercise: str, part: str) -> None:
    """Say whether the learner's answer to ``part`` of ``exercise`` is right
    (the check cell under each core part calls this); raise if it is not.
    The answer is the one its answer cell last set, and the check says so
    when the page shows another: the cell was changed since it ran, could
    not be read, or another cell has set the name since."""
    from coproduction import answering

    namespace = _caller_namespace()
    key = load_key(exercise)
    title = key["parts"][part]["title"]
    ran, page = answering.RAN.get(part), answering.PAGE.pop(part, None)
    if page is not None and ran is not None and page.strip() != ran.source.strip():
        raise NotAnswered(f"{title}: your answer cell has not been run since you changed it. Click in it and press "
                          "Shift+Enter, then run this check again.")
    shown = read_answer(page, answering.part_of(exercise, part)) if page is not None and ran is None else None
    if shown is not None and shown.answered and not _same(namespace.get(part), shown.value):
        raise NotAnswered(f"{title}: your answer cell has not been run yet. Click in it and press Shift+Enter, "
                          "then run this check again.")
    if ran is not None and ran.reading.slip:
        raise NotAnswered(f"{title}: not answered yet, because your answer cell cannot be read. {ran.reading.slip}")
    if part not in namespace:
        raise NotAnswered(f"{title}: not answered yet. Run the cell with your answer (the one that starts "
                          f"{part} =) first, then this check.")
    if ran is not None and not _same(namespace[part], ran.reading.value):
        raise NotAnswered(f"{title}: {part} has been set by another cell since its answer cell ran, so this check "
                          f"cannot tell which answer you mean. Remove the other cell's {part} = line, run the "
                          "answer cell again, then this check.")
    verdict = judge(exercise, part, namespace[part], key)
    if verdict.state == "unanswered":
        raise NotAnswered(verdict.message)
    if verdict.state == "wrong":
        raise NotRight(verdict.message)
    print(wrap(f"✓ {verdict.message}"))


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # an analyst's object that cannot say
        return False


def going_further(*names: str) -> "_GoingFurther":
    """The visible checks of a going-further part, as a ``with`` block: a
    failed check shows its message alone (no traceback); while any of
    ``names`` is missing, empty or still the bare function it was released
    as, the block says "not attempted (optional)" and passes, because the
    exercise is complete without it (its hidden checks at grading still
    score it 0)."""
    namespace = _caller_namespace()
    missing = next((n for n in names if _unwritten(namespace.get(n))), None)
    return _GoingFurther(missing)


def check_my_work(exercise: str, notebook: str | Path | None = None) -> "Report":
    """Run every check of the exercise's notebook in this kernel and show a
    table (the exercise's last cell calls this)."""
    return check_notebook(exercise, _caller_namespace(), notebook, live=True)


class _GoingFurther:
    def __init__(self, missing: str | None) -> None:
        self.missing = missing

    def __enter__(self) -> "_GoingFurther":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any) -> bool:
        if self.missing is not None:
            if error is None or isinstance(error, Exception):  # whatever the empty answer caused
                print(wrap(f"{NOT_ATTEMPTED} {not_attempted(self.missing)}"))
                return True
            return False
        if error is None:
            print("✓ All of this part's checks pass.")
            return False
        if isinstance(error, Plain) or not isinstance(error, Exception):
            return False
        if isinstance(error, NameError):
            raise NotAnswered(f"{getattr(error, 'name', None) or 'A name'} is not defined yet: run the cells above "
                              "this one first (the setup cell at the top, then your answer).") from None
        if isinstance(error, AssertionError):
            raise NotRight(str(error) or "A check did not pass.") from None
        raise NotRight(f"Your code raised {type(error).__name__}: {error}") from None


def _unwritten(value: Any) -> bool:
    return value is None or is_empty_function(value) or (isinstance(value, (list, str, dict)) and not value)


def _empty() -> None:
    """A function with nothing but a docstring."""


def is_empty_function(value: Any) -> bool:
    code = getattr(value, "__code__", None)
    return code is not None and code.co_code == _empty.__code__.co_code
