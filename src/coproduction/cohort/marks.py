"""Every mark in a cohort's gradebook, read straight from nbgrader's tables.

nbgrader's gradebook is a plain SQL database; its API costs seconds to
import, which a trainer pays on every ``status``. One query over its tables
(the same SQL on SQLite and PostgreSQL) gives every graded part of every
submission with the score the autograder gave, the mark a trainer gave in
Formgrader and the trainer's comment, so a written answer marked there shows
up everywhere at once, without grading again. Formgrader records a mark and
a comment per answer; it has no record of which mark-scheme criteria a
trainer ticked, so neither does this.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Iterable

from coproduction.questions import is_going_further

__all__ = ["Mark", "read_marks", "part_kind", "KINDS"]

#: The three kinds of graded part, in the order tables show them.
KINDS = ("core", "written", "going further")

_QUERY = """
SELECT sa.student_id, a.name, bc.name, gc.cell_type, g.auto_score, g.manual_score, g.extra_credit,
       gc.max_score, g.needs_manual_grade, c.manual_comment
FROM grade g
JOIN submitted_notebook sn ON g.notebook_id = sn.id
JOIN submitted_assignment sa ON sn.assignment_id = sa.id
JOIN assignment a ON sa.assignment_id = a.id
JOIN base_cell bc ON g.cell_id = bc.id
JOIN grade_cells gc ON gc.id = bc.id
LEFT JOIN base_cell sc ON sc.notebook_id = bc.notebook_id AND sc.name = bc.name AND sc.type = 'SolutionCell'
LEFT JOIN comment c ON c.notebook_id = g.notebook_id AND c.cell_id = sc.id
"""


def part_kind(part: str, cell_type: str) -> str:
    """What kind of part a graded cell is: a written answer (markdown, marked
    by a trainer), a going-further part, or the core track."""
    if cell_type == "markdown":
        return "written"
    return "going further" if is_going_further(part) else "core"


@dataclass(frozen=True)
class Mark:
    """One graded part of one learner's submission."""

    learner: str
    assignment: str
    part: str  # the cell's nbgrader id, e.g. q6_answer
    cell_type: str  # "code" (checked automatically) or "markdown" (written, marked by a trainer)
    auto_score: float | None
    manual_score: float | None
    extra_credit: float | None
    max_score: float
    needs_manual_grade: bool
    comment: str = ""

    @property
    def kind(self) -> str:
        """``core``, ``written`` or ``going further``."""
        return part_kind(self.part, self.cell_type)

    @property
    def marked(self) -> bool:
        """Whether the part has its final mark (a written answer once a trainer has marked it)."""
        return not self.needs_manual_grade

    @property
    def touched(self) -> bool:
        """Whether a trainer has marked this part, or must: the parts that can
        differ from what the autograder recorded."""
        return self.manual_score is not None or self.extra_credit is not None or self.needs_manual_grade

    @property
    def score(self) -> float:
        """The part's score as nbgrader counts it: a trainer's mark over the
        autograder's, plus any extra credit."""
        base = self.manual_score if self.manual_score is not None else (self.auto_score or 0.0)
        return base + (self.extra_credit or 0.0)


#: Only the parts a trainer has touched or must still mark: few rows, read fast in a large cohort.
_TOUCHED = " WHERE g.manual_score IS NOT NULL OR g.extra_credit IS NOT NULL OR g.needs_manual_grade"


def read_marks(db_url: str, assignments: Iterable[str] | None = None, touched: bool = False) -> list[Mark]:
    """Every graded part in the gradebook at ``db_url`` (an SQLAlchemy URL;
    SQLite is read with Python's own driver, anything else through
    SQLAlchemy), or with ``touched`` only those a trainer marked or must mark."""
    query = _QUERY + (_TOUCHED if touched else "")
    if db_url.startswith("sqlite:///"):
        path = db_url.removeprefix("sqlite:///")
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.OperationalError:
            return []  # no gradebook yet: nothing graded
        try:
            rows = connection.execute(query).fetchall()
        except sqlite3.OperationalError:
            rows = []  # an empty file nbgrader has not set up yet
        finally:
            connection.close()
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(db_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text(query)).fetchall()
        finally:
            engine.dispose()
    wanted = set(assignments) if assignments else None
    return [Mark(learner, assignment, part, cell_type, auto, manual, extra, float(maximum), bool(needs),
                 comment or "")
            for learner, assignment, part, cell_type, auto, manual, extra, maximum, needs, comment in rows
            if wanted is None or assignment in wanted]
