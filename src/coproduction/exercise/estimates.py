"""How long an exercise takes, estimated from its cells (the times each
exercise and module 0 state; the assumptions are on the trainers' page).
"""

from __future__ import annotations

import re
from typing import Any

from coproduction.exercise.notebook import cell_source, is_going_further

__all__ = ["READING_WORDS_PER_MINUTE", "MINUTES_PER_CORE_PART", "WRITING_WORDS_PER_MINUTE", "estimated_minutes"]


#: Assumptions behind the time each exercise states (see book/trainers.md).
READING_WORDS_PER_MINUTE = 200
MINUTES_PER_CORE_PART = 4  # find the answer in the module or a scenario, type it, run the check
WRITING_WORDS_PER_MINUTE = 10  # drafting and revising a short reflective answer


def _round_up(minutes: float, step: int = 5) -> int:
    return int(-(-minutes // step) * step)


def estimated_minutes(cells: list[dict[str, Any]]) -> tuple[int, int]:
    """Estimated minutes for an exercise's core track and for its written
    answers, from its cells: reading each part's question at
    :data:`READING_WORDS_PER_MINUTE`, :data:`MINUTES_PER_CORE_PART` per core
    part, and each written answer's upper word limit at
    :data:`WRITING_WORDS_PER_MINUTE`. Estimates, not measurements."""
    core = written = 0.0
    by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in cells}
    for grade_id, cell in by_id.items():
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not grade_id or not meta.get("grade"):
            continue
        part = grade_id.split("_")[0]
        intro = by_id.get(f"{part}_intro")
        words = len(cell_source(intro).split()) if intro else 0
        if is_going_further(grade_id):
            continue
        if meta.get("solution"):  # a written answer
            limits = [int(n) for n in re.findall(r"\d+ to (\d+) words", cell_source(intro) if intro else "")]
            written += words / READING_WORDS_PER_MINUTE + (max(limits) if limits else 150) / WRITING_WORDS_PER_MINUTE
        else:
            core += words / READING_WORDS_PER_MINUTE + MINUTES_PER_CORE_PART
    return _round_up(core), _round_up(written)
