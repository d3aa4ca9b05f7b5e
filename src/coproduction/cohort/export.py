"""Grades as CSV: one row per learner, one column per assignment, and the
total, with learner ids optionally replaced by stable pseudonyms."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from coproduction.cohort.report import scores_frame
from coproduction.cohort.workspace import Workspace

__all__ = ["pseudonym", "export_grades"]


def pseudonym(learner: str, key: str) -> str:
    """A stable pseudonym: the same learner gets the same one in every export
    from this workspace, and it cannot be reversed without the workspace's key."""
    digest = hmac.new(key.encode(), learner.encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:10]}"


def export_grades(ws: Workspace, out: Path, pseudonymise: bool = False) -> Path:
    """Write the cohort's grades to ``out``, with a ``needs review`` column
    naming each assignment whose score a trainer should check, and why."""
    table = scores_frame(ws).round(2)
    review: dict[str, list[str]] = {}
    for row in ws.statuses():
        if row.status == "needs review":
            review.setdefault(row.learner, []).append(f"{row.assignment}: {row.detail.removeprefix('needs review: ')}")
    table["needs review"] = ["; ".join(review.get(ident, [])) for ident in table.index]
    if pseudonymise:
        table.index = [pseudonym(ident, ws.pseudonym_key) for ident in table.index]
        table.index.name = "learner"
    out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(out, lineterminator="\n")
    return out
