"""The course's modules, each declared once.

:data:`MODULES` is the registry: one :class:`Module` per notebook in
``course/``, in the order the course runs. It names the files and code that
make a module (its notebook, its topic's logic, figures and scenarios, its
exercise, its datasets), so that whatever needs the list of modules reads it
from here: the grader's preload (:mod:`coproduction.cohort.worker`), the
scenarios' exports (:mod:`coproduction.widgets`), the learner's copies,
progress page and CPD record, certificates, and the tests of the book, the
browser paths and the exercises. ``tests/test_modules.py`` fails if a
notebook, exercise, table-of-contents entry, scenario or dataset exists that
the registry does not declare, or the reverse.

What a learner reads about a module (its number, title, time and Reflect
questions) is written once, in the notebook's first cell and its "## Reflect"
section; :func:`course_modules` reads it from there. CONTRIBUTING.md's
"Adding a module" says the rest.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass
from pathlib import Path

from coproduction.exercise.estimates import estimated_minutes
from coproduction.exercise.notebook import cell_source

__all__ = ["Module", "MODULES", "course_modules", "declared", "topics", "scenario_topics", "RegistryError"]


class RegistryError(ValueError):
    """The course's files and the registry disagree."""


@dataclass(frozen=True)
class Module:
    """One module: what it is made of (declared in :data:`MODULES`) and what
    its notebook tells a learner (filled in by :func:`course_modules`)."""

    slug: str  # "01-the-ladder": course/<slug>.ipynb, and the book's page course/<slug>.html
    topic: str | None = None  # "ladder": coproduction.ladder, .figures.ladder and .widgets.ladder
    exercise: str | None = None  # "ladder": solutions/ladder/ladder.ipynb, released to exercises/ladder/
    scenarios: tuple[str, ...] = ()  # the live scenarios in coproduction.widgets.<topic>
    datasets: tuple[str, ...] = ()  # the datasets its page, scenarios and exercise read
    search_term: str = ""  # a word the book's search finds on this module's page and no other
    # Read from the notebook, where a learner sees them:
    number: int = -1
    title: str = ""  # "The ladder"
    minutes: int = 0  # reading and scenarios, as the module states it (its exercise has its own estimate)
    reflect: tuple[str, ...] = ()  # the module's Reflect questions

    @property
    def name(self) -> str:
        """As the course lists it: "1. The ladder"."""
        return f"{self.number}. {self.title}"

    def notebook(self, root: Path) -> Path:
        return root / "course" / f"{self.slug}.ipynb"

    def total_minutes(self, exercise: Path | None) -> int:
        """The module's own time plus its exercise's estimate, read from the
        released exercise notebook ``exercise`` (None: the module alone)."""
        if exercise is None or not exercise.is_file():
            return self.minutes
        return self.minutes + sum(estimated_minutes(json.loads(exercise.read_text(encoding="utf-8"))["cells"]))


#: The registry. Adding a module starts here (see CONTRIBUTING.md).
MODULES: tuple[Module, ...] = (
    Module("00-start-here", search_term="jazz"),
    Module("01-the-ladder", "ladder", "ladder", ("ladder_explorer", "portfolio_explorer"),
           ("engagement_activities",), "Placation"),
    Module("02-power-imbalance", "power", "power",
           ("reflection_explorer", "meeting_explorer", "representation_explorer"),
           ("meeting_records", "advisory_bodies"), "Bovaird"),
    Module("03-input-investment", "investment", "investment", ("input_explorer", "budget_explorer"),
           ("past_projects",), "payroll"),
    Module("04-evidence-backed-decisions", "evidence", "evidence",
           ("purple_explorer", "sure_explorer", "proposal_explorer"),
           ("feedback_survey", "service_records", "narratives"), "Newcombe"),
    Module("05-putting-it-into-practice", "practice", "practice", ("assessment_explorer",),
           ("self_assessment",), "Sacramento"),
)


def declared(slug: str) -> Module:
    """The registry's declaration of the module ``slug``."""
    for module in MODULES:
        if module.slug == slug:
            return module
    raise RegistryError(f"No module {slug!r} is declared in coproduction.modules.MODULES.")


def topics() -> tuple[str, ...]:
    """Every topic, in course order: each is a module of logic under ``coproduction``."""
    return tuple(m.topic for m in MODULES if m.topic)


def exercises() -> tuple[str, ...]:
    """Every exercise, in course order: ``("ladder", "power", ...)``."""
    return tuple(m.exercise for m in MODULES if m.exercise)


def scenario_topics() -> dict[str, str]:
    """Each live scenario's topic: ``{"ladder_explorer": "ladder", ...}``."""
    return {scenario: m.topic for m in MODULES if m.topic for scenario in m.scenarios}


def course_modules(root: Path) -> list[Module]:
    """Every module of the course at ``root``, in order, with what its notebook
    says: number, title, time and Reflect questions.

    Raises :class:`RegistryError` if a notebook is missing, undeclared, or does
    not start with its number, title and time."""
    on_disk = {p.stem for p in (root / "course").glob("[0-9][0-9]-*.ipynb")}
    undeclared = sorted(on_disk - {m.slug for m in MODULES})
    if undeclared:
        raise RegistryError(f"course/{undeclared[0]}.ipynb is not declared in coproduction.modules.MODULES.")
    modules = []
    for module in MODULES:
        path = module.notebook(root)
        if not path.is_file():
            raise RegistryError(f"Module {module.slug} is declared but {path} does not exist.")
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts = [cell_source(c) for c in cells if c["cell_type"] == "markdown"]
        text = texts[0] if texts else ""
        heading = re.search(r"^# (\d+)\. (.+)$", text, re.M)
        minutes = re.search(r"About (\d+) minutes", text)
        if not heading or not minutes:
            raise RegistryError(f"{path.name} does not start with its number, title and time "
                                "('# 1. Title', '*About N minutes').")
        modules.append(dataclasses.replace(module, number=int(heading[1]), title=heading[2].strip(),
                                           minutes=int(minutes[1]), reflect=_reflect(texts)))
    return modules


def _reflect(texts: list[str]) -> tuple[str, ...]:
    """The numbered questions under the module's "## Reflect" heading, each on one line."""
    for text in texts:
        section = re.search(r"^## Reflect\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
        if section:
            items = re.split(r"^\d+\.\s+", section[1], flags=re.M)[1:]
            return tuple(" ".join(item.split()) for item in items)
    return ()
