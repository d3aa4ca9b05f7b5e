"""The course's modules as their notebooks announce them.

Each module notebook in ``course/`` opens with its number and title
(``# 1. The ladder``), its reading time (``*About 45 minutes``) and, where it
has one, its exercise (``my-work/ladder/ladder.ipynb``), and it ends with
numbered questions under "## Reflect". Certificates, the learner's
reflections, progress page and CPD record read them from there, so a module
says these things once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from coproduction.questions import cell_source, estimated_minutes

__all__ = ["Module", "course_modules"]


@dataclass(frozen=True)
class Module:
    number: int
    title: str  # "The ladder"
    minutes: int  # reading and scenarios, as the module states it (its exercise has its own estimate)
    exercise: str | None  # "ladder"
    reflect: tuple[str, ...] = ()  # the module's Reflect questions
    slug: str = ""  # the notebook's name: "01-the-ladder"

    @property
    def name(self) -> str:
        """As the course lists it: "1. The ladder"."""
        return f"{self.number}. {self.title}"

    def total_minutes(self, exercise: Path | None) -> int:
        """The module's own time plus its exercise's estimate, read from the
        released exercise notebook ``exercise`` (None: the module alone)."""
        if exercise is None or not exercise.is_file():
            return self.minutes
        return self.minutes + sum(estimated_minutes(json.loads(exercise.read_text(encoding="utf-8"))["cells"]))


def course_modules(root: Path) -> list[Module]:
    """Every module of the course at ``root``, in order."""
    modules = []
    for path in sorted((root / "course").glob("[0-9][0-9]-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = [cell_source(c) for c in cells if c["cell_type"] == "markdown"]
        text = texts[0] if texts else ""
        heading = re.search(r"^# (\d+)\. (.+)$", text, re.M)
        minutes = re.search(r"About (\d+) minutes", text)
        exercise = re.search(r"(?:my-work|exercises)/(\w+)/\1\.ipynb", text)
        if not heading or not minutes:
            raise ValueError(f"{path.name} does not start with its number, title and time "
                             "('# 1. Title', '*About N minutes').")
        modules.append(Module(int(heading[1]), heading[2].strip(), int(minutes[1]),
                              exercise[1] if exercise else None, _reflect(texts), path.stem))
    return modules


def _reflect(texts: list[str]) -> tuple[str, ...]:
    """The numbered questions under the module's "## Reflect" heading, each on one line."""
    for text in texts:
        section = re.search(r"^## Reflect\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
        if section:
            items = re.split(r"^\d+\.\s+", section[1], flags=re.M)[1:]
            return tuple(" ".join(item.split()) for item in items)
    return ()
