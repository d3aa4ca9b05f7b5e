"""Grades as CSV: one row per roster learner and assignment, with its status
and its scores by kind of part, learner ids optionally replaced by
pseudonyms.

A pseudonym is a keyed hash of the learner's id (the key stays in the
workspace), and pseudonymised rows are sorted by pseudonym, so their order
says nothing about the roster's. What it does not protect: anyone with the
workspace (its key and roster) can link every row back to a learner, and
rare combinations of scores and dates can still single a person out in a
small cohort. Share a pseudonymised file as you would any personal data.
"""

from __future__ import annotations

import csv

from coproduction.cohort.inert import spreadsheet
import hashlib
import hmac
from pathlib import Path

from coproduction.cohort.marks import KINDS
from coproduction.cohort.standing import Standing, number, standings
from coproduction.cohort.workspace import Workspace

__all__ = ["pseudonym", "export_rows", "export_grades", "COLUMNS"]

COLUMNS = ("learner", "assignment", "status", "score", "max_score",
           *(f"{kind.replace(' ', '_')}_{end}" for kind in KINDS for end in ("score", "max")),
           "written_to_mark", "detail")


def pseudonym(learner: str, key: str) -> str:
    """A stable pseudonym: the same learner gets the same one in every export
    from this workspace, and it cannot be reversed without the workspace's key."""
    digest = hmac.new(key.encode(), learner.encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10]}"


def _row(standing: Standing, learner: str) -> dict[str, str]:
    row = {"learner": learner, "assignment": standing.assignment, "status": standing.status,
           "score": number(standing.score), "max_score": number(standing.max_score),
           "written_to_mark": str(standing.to_mark) if standing.scored else "", "detail": standing.detail}
    for kind in KINDS:
        score, maximum = standing.kind(kind) or (None, None)
        row[f"{kind.replace(' ', '_')}_score"] = number(score)
        row[f"{kind.replace(' ', '_')}_max"] = number(maximum)
    return row


def export_rows(ws: Workspace, pseudonymise: bool = False) -> list[dict[str, str]]:
    """The export's rows: blank cells where there is no score (not submitted,
    not collected yet), never a zero that was not earned."""
    rows = standings(ws)
    order = {name: i for i, name in enumerate(ws.assignments)}
    if not pseudonymise:
        roster = {learner.id: i for i, learner in enumerate(ws.learners())}
        return [_row(s, s.learner) for s in sorted(rows, key=lambda s: (roster[s.learner], order[s.assignment]))]
    key = ws.pseudonym_key
    named = [(pseudonym(s.learner, key), s) for s in rows]
    return [_row(s, name) for name, s in sorted(named, key=lambda pair: (pair[0], order[pair[1].assignment]))]


def export_grades(ws: Workspace, out: Path, pseudonymise: bool = False) -> Path:
    """Write the cohort's grades to ``out`` as CSV (UTF-8, one header row)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        # A learner's text could start with "=" or "@": a spreadsheet would run it as a formula.
        writer.writerows({k: spreadsheet(v) for k, v in row.items()} for row in export_rows(ws, pseudonymise))
    return out
