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

from coproduction.questions import Question, is_going_further, read_questions

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


def questions(name: str) -> dict[str, Question]:
    """The exercise's core parts as their author wrote them (answers, and a
    message for every wrong option), without the worked example."""
    bank = read_questions(ROOT / "solutions" / "questions" / f"{name}.toml")
    return {k: q for k, q in bank.items() if k != "example"}


def _graded(name: str) -> list[str]:
    nb = read_nb(ROOT / "solutions" / name / f"{name}.ipynb")
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]


def core_parts(name: str) -> frozenset[str]:
    """The core track's checked parts: q1_tests, q2_tests, ..."""
    return frozenset(g for g in _graded(name) if not is_going_further(g))


def optional_parts(name: str) -> frozenset[str]:
    """The going-further parts: a1_tests, ..."""
    return frozenset(g for g in _graded(name) if is_going_further(g))


def answer_cell(question: Question, value: object) -> tuple[str, str]:
    """(grade id of the part's answer cell, the cell as a learner types it)."""
    part = question.title.split()[-1]
    return f"q{part}_answer", f"{question.name} = {value!r}"


def _respelled(question: Question) -> object:
    """The right answer as a careless typist gives it: other case, stray
    spaces, another order, a number as text."""
    if question.kind == "choice":
        return f"  {question.answer.swapcase()} "
    if question.kind == "several":
        return [f" {a.upper()}" for a in reversed(question.answer)]
    return f" {question.answer} "


def wrong_options(question: Question) -> list[object]:
    """Every wrong answer the part has its own message for, as a learner would
    give it: for a list part, the right list plus one wrong option."""
    if question.kind == "several":
        return [[*question.answer, o] for o in question.options if o not in question.answer]
    if question.kind == "number":
        return [float(v) for v in question.wrong]
    return [o for o in question.options if o != question.answer]


def wrong_message(question: Question, value: object) -> str:
    """The message the author wrote for this wrong answer."""
    if question.kind == "several":
        return question.wrong[[o for o in value if o not in question.answer][0]]  # type: ignore[union-attr]
    if question.kind == "number":
        return next(m for v, m in question.wrong.items() if float(v) == value)
    return question.wrong[value]  # type: ignore[index]


def wrong_learner(name: str, k: int) -> Answers:
    """Every core part answered with its k-th wrong option (parts with fewer
    wrong options stay blank)."""
    out = {}
    for question in questions(name).values():
        wrong = wrong_options(question)
        if k < len(wrong):
            grade_id, cell = answer_cell(question, wrong[k])
            out[grade_id] = cell
    return out


def copied_examples(name: str) -> Answers:
    """Each core part answered with the example its "not answered yet"
    message shows: copying a visible example gains nothing."""
    from coproduction.questions import judge

    out = {}
    for question in questions(name).values():
        message = judge(name, question.name, None).message
        example = message.split(" in the form ")[1].split(", run that cell")[0]
        grade_id = answer_cell(question, None)[0]
        out[grade_id] = example
    return out


def _number(value: object) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)  # type: ignore[arg-type]


def typed_as_people_type(name: str) -> Answers:
    """Every core part right, typed as people type who have never coded, in
    ways that still count: Word's curly quotes, a list without its brackets,
    non-breaking spaces, a remark after the #."""
    out = {}
    for question in questions(name).values():
        grade_id = answer_cell(question, None)[0]
        if question.kind == "choice":
            out[grade_id] = f"{question.name} = \u201c{question.answer}\u201d"
        elif question.kind == "several":
            out[grade_id] = f"{question.name} = " + ", ".join(f"\u201c{a}\u201d" for a in question.answer)
        else:
            out[grade_id] = f"{question.name}\u00a0=\u00a0{_number(question.answer)}  # about £{_number(question.answer)}"
    return out


def slips(name: str) -> Answers:
    """Every core part's right answer typed with a slip that cannot be read
    as an answer (no quotes, the bare word, a quote or bracket missing, after
    None or the #, a unit, words for a number): each part is not answered,
    with a plain message, in every grader alike."""
    out = {}
    for index, question in enumerate(questions(name).values()):
        grade_id = answer_cell(question, None)[0]
        answer, n = question.answer, question.name
        if question.kind == "choice":
            kinds = [f"{n} = {answer}", f"{answer}", f'{n} = "{answer}', f'{n} = ""  # {answer}',
                     f"{n} = None {answer}"]
        elif question.kind == "several":
            kinds = [f"{n} = {', '.join(answer)}", f'{n} = [{", ".join(chr(34) + a + chr(34) for a in answer)}',
                     f'{n} = ["{answer[0]}, "{answer[-1]}"]']
        else:
            kinds = [f"{n} = £{_number(answer)}", f"{n} = {_number(answer)} a week", f"{n} = None {_number(answer)}",
                     f"{n} = about {_number(answer)}"]
        out[grade_id] = kinds[index % len(kinds)]
    return out


def _analysts(name: str, answers: Answers) -> Answers:
    """Going-further answers written for the old part numbers (q1_answer...)
    moved to their cells now (a1_answer...); parts that are now core go."""
    present = {g.replace("_tests", "_answer") for g in optional_parts(name)}
    moved = {"a" + k[1:]: v for k, v in answers.items()}
    return {k: v for k, v in moved.items() if k in present}


def _core(answers: Answers) -> Answers:
    return {k: v for k, v in answers.items() if k.startswith("q")}


def standard_learners(
    name: str, alternative: Answers, partly_wrong: Answers, partly_passes: frozenset[str],
    hard_coded: Callable[[], Answers],
) -> dict[str, Learner]:
    """The simulated learners every exercise is graded on. ``alternative``,
    ``partly_wrong`` and ``hard_coded`` are going-further code keyed by the
    part's number (q1_answer for A1); ``partly_passes`` names the
    going-further parts the partly wrong code passes (q1_tests for A1)."""
    core, optional = core_parts(name), optional_parts(name)
    bank = list(questions(name).values())

    def alternative_answers() -> Answers:
        return dict([answer_cell(q, _respelled(q)) for q in bank]) | _analysts(name, alternative)

    def partly_wrong_answers() -> Answers:
        # Parts 1 and 2 wrong (their first wrong option), the rest right.
        cells = [answer_cell(q, wrong_options(q)[0] if i < 2 else q.answer) for i, q in enumerate(bank)]
        return dict(cells) | _analysts(name, partly_wrong)

    passes = frozenset("a" + p[1:] for p in partly_passes) & optional
    learners = {
        "solution": Learner(solution_answers(name), core | optional),
        "core-only": Learner(lambda: _core(solution_answers(name)()), core),
        "alternative": Learner(alternative_answers, core | optional),
        "partly-wrong": Learner(partly_wrong_answers, frozenset(sorted(core)[2:]) | passes),
        "blank": Learner(dict, frozenset(), written=False),
        "hard-coded": Learner(lambda: copied_examples(name) | _analysts(name, hard_coded()), frozenset()),
        "magics": Learner(with_magics(solution_answers(name)), core | optional, written=False),
        "warnings": Learner(with_warnings(solution_answers(name)), core | optional, written=False),
        "typed-as-people-type": Learner(lambda: typed_as_people_type(name), core, written=False),
        "slips": Learner(lambda: slips(name), frozenset(), written=False),
    }
    most = max(len(wrong_options(q)) for q in bank)
    for k in range(most):
        learners[f"wrong-{k + 1}"] = Learner(lambda k=k: wrong_learner(name, k), frozenset(), written=False)
    return learners


def simulated(exercise: str) -> Assignment:
    """The simulated learners of ``exercise``, from ``tests/submissions/<exercise>.py``."""
    import importlib

    try:
        module = importlib.import_module(f"{__name__}.{exercise}")
    except ModuleNotFoundError:
        raise AssertionError(f"Exercise {exercise!r} has no simulated learners: add tests/submissions/{exercise}.py"
                             " (see CONTRIBUTING.md, 'Adding a module').") from None
    found = [value for value in vars(module).values() if isinstance(value, Assignment) and value.name == exercise]
    assert len(found) == 1, f"tests/submissions/{exercise}.py must define one Assignment named {exercise!r}"
    return found[0]


def all_simulated() -> dict[str, Assignment]:
    """Every exercise the registry declares, with its simulated learners, in course order."""
    from coproduction.modules import MODULES

    return {m.exercise: simulated(m.exercise) for m in MODULES if m.exercise}


def error_text(cell: nbformat.NotebookNode) -> str:
    """A graded cell's error output as one line of words (tracebacks and messages)."""
    return " ".join(" ".join(" ".join(o.get("traceback", [])) + " " + o.get("evalue", "")
                             for o in cell.get("outputs", []) if o.output_type == "error").split())
