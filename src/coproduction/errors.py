"""The one kind of error a learner is meant to see.

Every input the course cannot use (a department that does not exist, a
number out of range, a broken dataset) raises a subclass of
:class:`CourseInputError` whose message says, in plain words, what to change.
A scenario shows that message in place of its outcome
(:class:`coproduction.widgets.base.Scenario`); anything else is a bug in the
course and is left to surface as one, not dressed up as the learner's mistake.
"""

from __future__ import annotations

__all__ = ["CourseInputError"]


class CourseInputError(ValueError):
    """Input the course cannot use; the message tells the learner what to change.

    A ``ValueError``, so code that already catches those keeps working."""
