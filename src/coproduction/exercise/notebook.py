"""How an exercise notebook is laid out: its cells' text, its parts and
their titles, and which cells are the optional going-further section.
The bottom of :mod:`coproduction.exercise`: it imports nothing of the course.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["cell_source", "is_going_further", "section_heading", "part_title", "part_name", "part_names"]


def is_going_further(grade_id: str) -> bool:
    """Whether a graded cell belongs to the optional "Going further (for
    analysts)" section: its id starts with ``a`` and a part number."""
    return grade_id[:1] == "a" and grade_id[1:2].isdigit()


def section_heading(cells: list[Any], index: int) -> str | None:
    """The last level-2 heading at or before the cell at ``index``."""
    for cell in reversed(cells[:index + 1]):
        if cell.get("cell_type") == "markdown":
            for line in reversed(cell_source(cell).splitlines()):
                if line.startswith("## "):
                    return line[3:].strip()
    return None


def part_title(cells: list[Any], index: int) -> str:
    """The part the cell at ``index`` belongs to, as its heading names it
    ("Part 2", "A1"): check cells, Check my work and feedback pages use it."""
    heading = section_heading(cells, index - 1)
    return heading.split(":")[0].strip() if heading else "a part"


def part_name(cells: list[Any], index: int) -> str:
    """The part's whole name, as its heading gives it without the points
    ("Part 4: where labels overstate most"): what a trainer's tables show."""
    heading = section_heading(cells, index)
    return re.sub(r"\s*\([^()]*\)\s*$", "", heading) if heading else "a part"


def part_names(cells: list[Any]) -> dict[str, str]:
    """Every graded cell's part name, by its nbgrader id."""
    names = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id"):
            names[meta["grade_id"]] = part_name(cells, index)
    return names


def cell_source(cell: dict[str, Any]) -> str:
    """A notebook cell's text, whether saved as one string or as a list of lines."""
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
