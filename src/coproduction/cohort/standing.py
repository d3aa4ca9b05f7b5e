"""Where each learner stands on each assignment: one row per roster learner
and assignment, with a status a trainer can act on and scores that include
the written answers a trainer has marked in Formgrader.

This reads the roster, the workspace's status records and the gradebook's
tables directly, and nothing heavier, so ``coproduction status`` answers at
once however large the cohort.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Iterable

from coproduction.cohort.inert import terminal
from coproduction.cohort.marks import KINDS, Mark, read_marks, to_mark
from coproduction.cohort.workspace import Workspace

__all__ = ["Standing", "STATUSES", "ERRORS", "standings", "status_table", "number", "Summary", "summary",
           "summary_table", "SUMMARY_AFTER"]

#: Above this many rows, ``coproduction status`` shows a summary unless asked for every row.
SUMMARY_AFTER = 200

#: Every status a learner's assignment can have, in the order a trainer meets them.
STATUSES = ("not collected yet", "not submitted", "waiting to grade", "error", "blank", "needs review",
            "autograded", "fully marked")
#: The grader's records of a submission it could not run to the end.
ERRORS = frozenset({"timeout", "crashed", "unreadable", "wrong notebook"})
#: What each status means, for tables' legends and the trainers' page.
MEANING = {
    "not collected yet": "this assignment has not been collected for anyone yet",
    "not submitted": "collected, but nothing (or no notebook) came from this learner",
    "waiting to grade": "collected; run autograde",
    "error": "the notebook could not be graded to the end; the detail says why",
    "blank": "submitted with every answer as it was released",
    "needs review": "scored, but its code reached into the grader: look before trusting the score",
    "autograded": "the automatically checked parts are scored; written answers wait for a trainer",
    "fully marked": "every part has its final mark",
}


def number(value: float | None) -> str:
    """A score as a person writes it: 13, not 13.0; 12.5 stays 12.5."""
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else f"{round(value, 2):g}"


@dataclass
class Standing:
    """One roster learner's standing on one assignment."""

    learner: str
    assignment: str
    status: str
    detail: str = ""
    notes: list[str] = field(default_factory=list)
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)  # kind -> (score, max)
    to_mark: int = 0  # written answers waiting for a trainer

    @property
    def scored(self) -> bool:
        return bool(self.scores)

    @property
    def score(self) -> float | None:
        return sum(s for s, _ in self.scores.values()) if self.scores else None

    @property
    def max_score(self) -> float | None:
        return sum(m for _, m in self.scores.values()) if self.scores else None

    def kind(self, kind: str) -> tuple[float, float] | None:
        return self.scores.get(kind)


def _status(raw: str | None, detail: str, collected: bool, to_mark: int) -> tuple[str, str]:
    """The status a trainer sees, and its detail, from what the grader recorded
    (``raw``; None if nothing was) and how many answers wait for a mark."""
    if raw is None:
        return ("not submitted", "") if collected else ("not collected yet", "")
    if raw in {"not submitted", "missing"}:
        return "not submitted", detail
    if raw == "collected":
        return "waiting to grade", ""
    if raw in ERRORS:
        return "error", f"{raw}: {detail}"
    if raw in {"blank", "needs review"}:
        return raw, detail
    return ("autograded", f"{to_mark} written answer(s) to mark") if to_mark else ("fully marked", "")


def _autograded(marks: Iterable[Mark]) -> dict[tuple[str, str], dict[str, list[float]]]:
    """The autograder's points by kind of part, per submission, from every mark
    (for records made before ``status.db`` kept them)."""
    kinds: dict[tuple[str, str], dict[str, list[float]]] = {}
    for mark in marks:
        totals = kinds.setdefault((mark.learner, mark.assignment), {}).setdefault(mark.kind, [0.0, 0.0])
        totals[0] += mark.auto_score or 0.0
        totals[1] += mark.max_score
    return kinds


def standings(ws: Workspace, assignments: Iterable[str] | None = None,
              marks: list[Mark] | None = None, learners: Iterable[str] | None = None) -> list[Standing]:
    """Every roster learner's standing on every assignment (or those named),
    in roster order within each assignment.

    Each submission's points are the autograder's, as recorded when it was
    graded, with a trainer's marks from the gradebook in place of the
    autograder's where there are any, as nbgrader counts them. Only the parts
    a trainer touched or must still mark are read from the gradebook (all of
    them if ``marks`` are given, or for a workspace graded before points were
    recorded by kind). ``learners`` limits the rows to those roster ids."""
    wanted = [a for a in ws.assignments if not assignments or a in set(assignments)]
    rows = {(r.learner, r.assignment): r for r in ws.statuses(wanted)}
    collected = {assignment for _, assignment in rows}
    recorded = {key: row.kinds for key, row in rows.items() if row.kinds}
    if marks is None:
        complete = all(row.kinds or row.status in {"collected", "not submitted"} for row in rows.values())
        marks = read_marks(ws.db_url, wanted, touched=complete)
    if len(recorded) < len(rows):
        recorded = _autograded(marks) | recorded
    touched: dict[tuple[str, str], list[Mark]] = {}
    for mark in marks:
        if mark.touched:
            touched.setdefault((mark.learner, mark.assignment), []).append(mark)
    roster = ws.learners()
    if learners is not None:
        chosen = set(learners)
        roster = [learner for learner in roster if learner.id in chosen]
    result = []
    for assignment in wanted:
        for learner in roster:
            key = (learner.id, assignment)
            row = rows.get(key)
            points = recorded.get(key, {})
            scores = {kind: (points[kind][0], points[kind][1]) for kind in KINDS if kind in points}
            to_mark = 0
            for mark in touched.get(key, []):
                scored, maximum = scores.get(mark.kind, (0.0, 0.0))
                scores[mark.kind] = (scored - (mark.auto_score or 0.0) + mark.score, maximum)
                to_mark += not mark.marked
            status, detail = _status(row.status if row else None, row.detail if row else "",
                                     assignment in collected, to_mark)
            if status in {"not submitted", "not collected yet", "waiting to grade"}:
                scores = {}
            result.append(Standing(learner.id, assignment, status, detail, list(row.notes) if row else [], scores,
                                   to_mark))
    return result


def _fraction(pair: tuple[float, float] | None) -> str:
    return f"{number(pair[0])}/{number(pair[1])}" if pair else "-"


def status_table(rows: Iterable[Standing]) -> str:
    """A plain-text table: one line per learner and assignment, notes wrapped below."""
    rows = list(rows)
    if not rows:
        return "No learners or assignments."
    lines = [f"{'learner':<14} {'assignment':<12} {'status':<17} {'score':>7} {'core':>6} {'written':>8}  detail"]
    for row in rows:
        score = f"{number(row.score)}/{number(row.max_score)}" if row.scored else "-"
        written = row.kind("written")
        written_text = "to mark" if row.to_mark else _fraction(written)
        lines.append(f"{row.learner:<14} {row.assignment:<12} {row.status:<17} {score:>7} "
                     f"{_fraction(row.kind('core')):>6} {written_text:>8}  {terminal(row.detail)}")
        for note in row.notes:
            lines.extend(textwrap.wrap(terminal(note.removeprefix("collected: ")), 100, initial_indent=" " * 16 + "- ",
                                       subsequent_indent=" " * 18))
    counts = {s: sum(1 for r in rows if r.status == s) for s in STATUSES}
    lines.append("")
    lines.append("In all: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + ".")
    return "\n".join(lines)


@dataclass
class Summary:
    """How many roster learners have each status on each assignment, and the
    submissions that need a trainer to look (errors, blanks, needs review)."""

    learners: int
    counts: dict[str, dict[str, int]]  # assignment -> status -> learners
    attention: list[tuple[str, str, str, str]]  # (learner, assignment, status, detail)


def summary(ws: Workspace, assignments: Iterable[str] | None = None) -> Summary:
    """Counts of every status, read without building a row per learner (a
    cohort of thousands answers at once), by the same rules as :func:`standings`."""
    wanted = [a for a in ws.assignments if not assignments or a in set(assignments)]
    roster = {learner.id for learner in ws.learners()}
    waiting = to_mark(ws.db_url)
    counts: dict[str, dict[str, int]] = {a: dict.fromkeys(STATUSES, 0) for a in wanted}
    attention = []
    recorded: dict[str, int] = dict.fromkeys(wanted, 0)
    for learner, assignment, raw, detail in ws.raw_statuses(wanted):
        if learner not in roster:
            continue
        status, said = _status(raw, detail, True, waiting.get((learner, assignment), 0))
        counts[assignment][status] += 1
        recorded[assignment] += 1
        if status in {"error", "blank", "needs review"}:
            attention.append((learner, assignment, status, said))
    for assignment in wanted:
        status = _status(None, "", recorded[assignment] > 0, 0)[0]
        counts[assignment][status] += len(roster) - recorded[assignment]
    return Summary(len(roster), counts, sorted(attention, key=lambda r: (r[1], r[0])))


def summary_table(found: Summary, workspace: str, shown: int = 20) -> str:
    """The summary as plain text: a line per assignment, then who needs a look."""
    used = [s for s in STATUSES if any(by[s] for by in found.counts.values())]
    width = max([len("assignment"), *map(len, found.counts)])
    lines = [f"{found.learners} learners, {len(found.counts)} assignment(s): how many learners have each status.",
             f"Every row: coproduction status {workspace} --all; one learner: --learner ID.", "",
             f"{'assignment':<{width}}  " + "  ".join(used)]
    for assignment, by in found.counts.items():
        lines.append(f"{assignment:<{width}}  " + "  ".join(f"{by[s]:>{len(s)}}" for s in used))
    totals = {s: sum(by[s] for by in found.counts.values()) for s in STATUSES}
    lines += ["", "In all: " + ", ".join(f"{n} {s}" for s, n in totals.items() if n) + "."]
    if found.attention:
        lines += ["", f"To look at ({len(found.attention)}):"]
        lines += [f"  {learner:<14} {assignment:<12} {status:<13} {terminal(detail)}"
                  for learner, assignment, status, detail in found.attention[:shown]]
        if len(found.attention) > shown:
            lines.append(f"  ... and {len(found.attention) - shown} more (--all shows every row).")
    return "\n".join(lines)
