"""Every mark in a cohort's gradebook, read straight from nbgrader's tables.

nbgrader's gradebook is a plain SQL database; its API costs seconds to
import, which a trainer pays on every ``status``. A few plain queries (the
same SQL on SQLite and PostgreSQL) give every graded part of every
submission with the score the autograder gave, the mark a trainer gave in
Formgrader and the trainer's comment, so a written answer marked there shows
up everywhere at once, without grading again. Formgrader records a mark and
a comment per answer; it has no record of which mark-scheme criteria a
trainer ticked, so neither does this.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable, NamedTuple

from coproduction.exercise.notebook import is_going_further

__all__ = ["Mark", "read_marks", "to_mark", "part_kind", "KINDS"]

#: The three kinds of graded part, in the order tables show them.
KINDS = ("core", "written", "going further")

#: The exercise's graded cells (a few dozen rows), by id.
_CELLS = """
SELECT bc.id, a.name, bc.name, gc.cell_type, gc.max_score
FROM grade_cells gc JOIN base_cell bc ON bc.id = gc.id JOIN notebook n ON n.id = bc.notebook_id
JOIN assignment a ON a.id = n.assignment_id
"""
#: Each submitted notebook's learner and assignment.
_NOTEBOOKS = """
SELECT sn.id, sa.student_id, a.name
FROM submitted_notebook sn JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
"""
#: Every grade: one table read, no joins (what makes a cohort of thousands quick to read).
_GRADES = "SELECT notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade FROM grade"
#: Only the parts a trainer has touched or must still mark.
_TOUCHED = " WHERE manual_score IS NOT NULL OR extra_credit IS NOT NULL OR needs_manual_grade"
#: A trainer's comments, by submitted notebook and the answer's cell name.
_COMMENTS = """
SELECT c.notebook_id, bc.name, c.manual_comment FROM comment c JOIN base_cell bc ON bc.id = c.cell_id
WHERE c.manual_comment IS NOT NULL AND c.manual_comment <> ''
"""

#: How many answers wait for a trainer, per learner and assignment (one grouped query).
_TO_MARK = """
SELECT sa.student_id, a.name, COUNT(*)
FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id
WHERE g.needs_manual_grade GROUP BY sa.student_id, a.name
"""


def _query(db_url: str, queries: list[str]) -> list[list[tuple]]:
    """Run read-only queries on the gradebook; empty results if it does not exist yet."""
    if db_url.startswith("sqlite:///"):
        path = db_url.removeprefix("sqlite:///")
        try:
            connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        except sqlite3.OperationalError:
            return [[] for _ in queries]  # no gradebook yet: nothing graded
        try:
            return [connection.execute(q).fetchall() for q in queries]
        except sqlite3.OperationalError:
            return [[] for _ in queries]  # an empty file nbgrader has not set up yet
        finally:
            connection.close()
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return [[tuple(row) for row in connection.execute(text(q))] for q in queries]
    finally:
        engine.dispose()


def part_kind(part: str, cell_type: str) -> str:
    """What kind of part a graded cell is: a written answer (markdown, marked
    by a trainer), a going-further part, or the core track."""
    if cell_type == "markdown":
        return "written"
    return "going further" if is_going_further(part) else "core"


class Mark(NamedTuple):
    """One graded part of one learner's submission (a named tuple: a large
    cohort has hundreds of thousands)."""

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


def read_marks(db_url: str, assignments: Iterable[str] | None = None, touched: bool = False,
               comments: bool = False) -> list[Mark]:
    """Every graded part in the gradebook at ``db_url`` (an SQLAlchemy URL;
    SQLite is read with Python's own driver, anything else through
    SQLAlchemy); with ``touched`` only those a trainer marked or must mark;
    with ``comments`` the trainer's comments too."""
    queries = [_CELLS, _NOTEBOOKS, _GRADES + (_TOUCHED if touched else "")] + ([_COMMENTS] if comments else [])
    cells_rows, notebook_rows, grades, *said = _query(db_url, queries)
    cells = {cell_id: (assignment, part, cell_type, float(maximum))
             for cell_id, assignment, part, cell_type, maximum in cells_rows}
    notebooks = {notebook_id: learner for notebook_id, learner, _ in notebook_rows}
    remarks = {(notebook_id, part): text for notebook_id, part, text in said[0]} if said else {}
    wanted = set(assignments) if assignments else None
    marks = []
    for notebook_id, cell_id, auto, manual, extra, needs in grades:
        assignment, part, cell_type, maximum = cells[cell_id]
        if wanted is None or assignment in wanted:
            marks.append(Mark(notebooks[notebook_id], assignment, part, cell_type, auto, manual, extra, maximum,
                              bool(needs), remarks.get((notebook_id, part), "")))
    return marks


def to_mark(db_url: str) -> dict[tuple[str, str], int]:
    """How many answers wait for a trainer's mark, by (learner, assignment);
    submissions with none are left out."""
    (rows,) = _query(db_url, [_TO_MARK])
    return {(learner, assignment): count for learner, assignment, count in rows}
