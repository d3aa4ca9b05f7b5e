"""Simulated learners for each exercise.

Each module here describes one assignment's simulated submissions: for each
learner, the answers put into the released notebook's answer cells (by
grade_id) and the autograded parts those answers should pass. Expected
scores are then the points of those parts, read from the instructor
notebook, so every number follows from what a submission does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat

from ..conftest import ROOT, read_nb

Answers = dict[str, str]


@dataclass(frozen=True)
class Learner:
    answers: Callable[[], Answers]
    passes: frozenset[str]
    written: bool = True


@dataclass(frozen=True)
class Assignment:
    name: str
    learners: dict[str, Learner]
    written: Answers  # a written answer for each manually graded cell
    partly_wrong_messages: tuple[str, ...]  # what Validate tells the partly wrong learner
    autograded: frozenset[str] = field(default=frozenset())

    @property
    def source(self) -> Path:
        return ROOT / "solutions" / self.name / f"{self.name}.ipynb"

    @property
    def release(self) -> Path:
        return ROOT / "exercises" / self.name / f"{self.name}.ipynb"


def fill(release: Path, answers: Answers, written: Answers) -> nbformat.NotebookNode:
    """The released notebook with a learner's answers in its answer cells."""
    nb = read_nb(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].strip("\n")
        elif grade_id in written:
            cell.source = written[grade_id]
    return nb


def solution_answers(name: str) -> Callable[[], Answers]:
    """The instructor's own answers, with nbgrader's solution markers removed."""

    def answers() -> Answers:
        out = {}
        for cell in read_nb(ROOT / "solutions" / name / f"{name}.ipynb").cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                out[meta["grade_id"]] = "\n".join(
                    line for line in cell.source.splitlines()
                    if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line
                )
        return out

    return answers


def with_magics(answers: Callable[[], Answers]) -> Callable[[], Answers]:
    """Correct answers whose first cell also uses the magics learners copy
    from tutorials: they must behave as in a kernel."""

    def changed() -> Answers:
        out = dict(answers())
        first = next(iter(out))
        out[first] = "%matplotlib inline\n%time _warm = sum(range(10))\n!echo notes\n" + out[first]
        return out

    return changed


def with_warnings(answers: Callable[[], Answers]) -> Callable[[], Answers]:
    """Correct answers whose first function also warns each time a check
    calls it (as numpy does on an empty slice): a warning is not a failure."""
    import ast

    def changed() -> Answers:
        out = dict(answers())
        for grade_id, source in out.items():
            functions = [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
            if functions:
                name = functions[0]
                out[grade_id] = source + (
                    f"\n\nimport warnings as _warnings\n_plain_{name} = {name}\n\n\n"
                    f"def {name}(*args, **kwargs):\n"
                    '    _warnings.warn("a harmless warning from a correct answer", RuntimeWarning)\n'
                    f"    return _plain_{name}(*args, **kwargs)\n")
                return out
        raise ValueError("no answer defines a function")

    return changed


def standard_learners(
    name: str, parts: frozenset[str], alternative: Answers, partly_wrong: Answers,
    partly_passes: frozenset[str], hard_coded: Callable[[], Answers],
) -> dict[str, Learner]:
    """The five simulated learners every exercise is graded on."""
    return {
        "solution": Learner(solution_answers(name), parts),
        "alternative": Learner(lambda: alternative, parts),
        "partly-wrong": Learner(lambda: partly_wrong, partly_passes),
        "blank": Learner(dict, frozenset(), written=False),
        "hard-coded": Learner(hard_coded, frozenset()),
        "magics": Learner(with_magics(solution_answers(name)), parts, written=False),
        "warnings": Learner(with_warnings(solution_answers(name)), parts, written=False),
    }
