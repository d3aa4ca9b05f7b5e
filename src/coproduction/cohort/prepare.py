"""Grading's first step: read a submission and put back what a learner may not change.

:func:`read_notebook` reads a submitted file as hostile (empty, not UTF-8,
not JSON, not a notebook: each says why); :func:`load_source` reads, once
per assignment, what nbgrader's gradebook holds about the exercise;
:func:`prepare` applies nbgrader's sanitising rules to one submission
(ClearOutput, DeduplicateIds, OverwriteKernelspec and OverwriteCells), noting
each repair in words a learner and trainer read. They are done here rather
than by nbgrader's preprocessors because those read the gradebook several
times per learner and say nothing of what they repaired. :func:`plan` says
the order the cells run in: hidden tests last.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook

from coproduction.cohort.answers import literal_answers
from coproduction.cohort.plan import Plan, Step
from coproduction.cohort.review import reasons as review_reasons
from coproduction.cohort.values import encode
from coproduction.exercise.key import core_part, load_key
from coproduction.exercise.notebook import part_name

__all__ = ["Unreadable", "read_notebook", "SourceCell", "SourceNotebook", "load_source", "cell_names", "Prepared",
           "prepare", "plan", "core_names", "grade_id_of", "is_test", "HIDDEN", "SETUP"]

#: The grade id of the exercise's set-up cell, which the judge runs too.
SETUP = "setup"
#: A test cell's hidden tests, markers included.
HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", re.S)


class Unreadable(Exception):
    """A submission that cannot be graded as a notebook."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_notebook(path: Path) -> NotebookNode:
    """Read a submitted notebook, or raise :class:`Unreadable` saying why not."""
    if not path.is_file():
        raise Unreadable("missing", f"No notebook was submitted (expected {path.name}).")
    if path.stat().st_size > MAX_BYTES:
        raise Unreadable("unreadable", f"{path.name} is {path.stat().st_size / 1024**2:.0f} MB, larger than the "
                                       f"{MAX_BYTES // 1024**2} MB a notebook may be: it was not read.")
    data = path.read_bytes()
    if not data.strip():
        raise Unreadable("unreadable", f"{path.name} is empty ({len(data)} bytes): the upload may have failed.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Unreadable("unreadable", f"{path.name} is not UTF-8 text (byte {err.start} is 0x{data[err.start]:02x}):"
                                       " it may be damaged, or not a notebook.") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise Unreadable("unreadable", f"{path.name} is not valid notebook JSON (line {err.lineno}, column "
                                       f"{err.colno}: {err.msg}); it may have been edited outside Jupyter.") from None
    except RecursionError:
        raise Unreadable("unreadable", f"{path.name} nests its JSON deeper than Python reads: no notebook "
                                       "does; it was made to break the grader.") from None
    depth = _depth(raw)
    if depth > MAX_DEPTH:
        raise Unreadable("unreadable", f"{path.name} nests its JSON {depth} levels deep (a notebook needs under "
                                       f"{MAX_DEPTH}): it may have been made to break the grader.")
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds for a malformed notebook
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise Unreadable("unreadable", f"{path.name} is JSON but not a valid notebook: {first[:200]}") from None
    return nb


#: Largest notebook read (as collect's limit on a file).
MAX_BYTES = 50 * 1024**2
#: Deepest JSON nesting a submitted notebook may have (Jupyter's own stay under 10).
MAX_DEPTH = 64


def _depth(value: object) -> int:
    """How deeply ``value`` nests, counted without recursion (so no depth can crash it)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:  # past the limit the answer is already known
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


@dataclass(frozen=True)
class SourceCell:
    name: str
    cell_type: str
    locked: bool
    checksum: str
    source: str
    points: float | None  # a grade cell's maximum score
    solution: bool


@dataclass(frozen=True)
class SourceNotebook:
    """What the gradebook holds about one assignment's notebook, read once."""

    assignment: str
    notebook: str
    cells: tuple[SourceCell, ...]  # in the instructor notebook's order
    kernelspec: dict[str, Any] | None
    released: dict[str, str] = field(default_factory=dict)  # what learners were given, by cell
    ungraded: frozenset[str] = frozenset()  # the given code cells nbgrader does not track (the worked example)
    names: dict[str, str] = field(default_factory=dict)  # each cell as a learner or trainer would name it

    def cell(self, name: str) -> SourceCell | None:
        return next((c for c in self.cells if c.name == name), None)


def load_source(gb: Gradebook, assignment: str, instructor: Path, release: Path) -> SourceNotebook:
    """The assignment's notebook as nbgrader's gradebook recorded it, in the
    instructor notebook's cell order (the gradebook keeps no order), with the
    learners' version of each cell (``release``) to tell a learner's edit from
    the hidden tests the gradebook adds back."""
    order = {}
    for index, cell in enumerate(nbformat.read(instructor, as_version=4).cells):
        if grade_id_of(cell):
            order[grade_id_of(cell)] = index
    notebook = gb.find_notebook(assignment, assignment)
    points = {c.name: float(c.max_score) for c in notebook.grade_cells}
    solutions = {c.name for c in notebook.solution_cells}
    cells = tuple(SourceCell(c.name, c.cell_type, bool(c.locked), c.checksum, c.source, points.get(c.name),
                             c.name in solutions)
                  for c in sorted(notebook.source_cells, key=lambda c: order.get(c.name, len(order))))
    spec = json.loads(notebook.kernelspec) if notebook.kernelspec else None
    given = nbformat.read(release, as_version=4).cells
    released = {grade_id_of(c): c.source for c in given if grade_id_of(c)}
    ungraded = frozenset(c.source.strip() for c in given if c.cell_type == "code" and not grade_id_of(c))
    return SourceNotebook(assignment, assignment, cells, spec, released, ungraded, cell_names(given))


def cell_names(cells: list[NotebookNode]) -> dict[str, str]:
    """Each of the exercise's cells as people name it, from the part's heading
    ("the answer to Part 5: when staying a consultation is honest"), for notes
    a learner or trainer reads instead of nbgrader's cell ids."""
    names = {}
    for index, cell in enumerate(cells):
        grade_id = grade_id_of(cell)
        if not grade_id:
            continue
        meta = cell.metadata.get("nbgrader", {})
        part = part_name(cells, index)
        if grade_id == SETUP:
            names[grade_id] = "the set-up cell"
        elif grade_id.startswith("example"):
            names[grade_id] = "the worked example"
        elif grade_id == "check_my_work":
            names[grade_id] = "the Check my work cell"
        elif meta.get("solution"):
            names[grade_id] = f"the {'written ' if cell.cell_type == 'markdown' else ''}answer to {part}"
        elif meta.get("grade"):
            names[grade_id] = f"the check of {part}"
        else:
            names[grade_id] = f"the text of {part}" if part != "a part" else f"the cell {grade_id}"
    return names


@dataclass
class Prepared:
    """A sanitised submission, ready to run."""

    learner: str
    assignment: str
    nb: NotebookNode
    notes: list[str]
    digest: str
    timestamp: str | None
    review: list[str] = field(default_factory=list)  # why a trainer should look at it
    blank: bool = False  # every answer cell as it was released
    names: dict[str, str] = field(default_factory=dict)  # cells as people name them (cell_names)

    def named(self, grade_id: str | None, index: int) -> str:
        return self.names.get(grade_id or "", f"cell {index + 1}")


    def learner_cells(self) -> list[str]:
        """The code the learner wrote: answer cells and cells they added."""
        return [c.source for c in self.nb.cells if c.cell_type == "code" and not _is_locked(c)]


def grade_id_of(cell: NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_locked(cell: NotebookNode) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("locked"))


def is_test(cell: NotebookNode) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _from_source(source: SourceCell) -> NotebookNode:
    """A fresh cell made from the instructor's version (for a deleted cell)."""
    meta = {"grade": source.points is not None, "grade_id": source.name, "locked": source.locked,
            "solution": source.solution, "schema_version": 3, "task": False, "checksum": source.checksum}
    if source.points is not None:
        meta["points"] = source.points
    maker = nbformat.v4.new_code_cell if source.cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = maker(source.source)
    cell.metadata["nbgrader"] = meta
    return cell


def prepare(nb: NotebookNode, source: SourceNotebook, learner: str, digest: str,
            timestamp: str | None = None) -> Prepared:
    """Apply nbgrader's sanitising rules to a submission, noting each repair.

    As nbgrader's ClearOutput, DeduplicateIds (the last copy of a cell keeps
    its id), OverwriteKernelspec and OverwriteCells (locked cells, test cells,
    points and cell types restored from the gradebook; deleted test cells put
    back) do, with one gradebook read per assignment instead of several per
    learner. Raises :class:`Unreadable` if the notebook has none of the
    assignment's cells.
    """
    nb = copy.deepcopy(nb)
    notes: list[str] = []
    known = {c.name for c in source.cells}
    if not any(grade_id_of(c) in known for c in nb.cells):
        raise Unreadable("wrong notebook", "This notebook has none of the exercise's cells: was the right file "
                                           "submitted? (Start again from the exercise in exercises/.)")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # Duplicates: like nbgrader, the last copy keeps the id; the others run as ordinary code.
    seen: set[str] = set()
    for cell in reversed(nb.cells):
        grade_id = grade_id_of(cell)
        if grade_id is None:
            continue
        if grade_id in seen:
            cell.metadata["nbgrader"] = {}
            notes.append(f"{source.names.get(grade_id, 'cell ' + grade_id)} was duplicated: the last copy was "
                         "graded, the others ran as "
                         "ordinary code")
        seen.add(grade_id)
    if source.kernelspec and nb.metadata.get("kernelspec") != source.kernelspec:
        was = (nb.metadata.get("kernelspec") or {}).get("name", "none")
        notes.append(f"the notebook's kernel was changed to {was!r}; it was graded with Python 3")
        nb.metadata["kernelspec"] = source.kernelspec
    for cell in nb.cells:
        grade_id = grade_id_of(cell)
        if grade_id is None:
            continue
        original = source.cell(grade_id)
        if original is None:
            del cell.metadata["nbgrader"]["grade_id"]
            continue
        _overwrite(cell, original, source.released.get(grade_id), notes, source.names.get(grade_id, grade_id))
    _restore_missing(nb, source, notes)
    prepared = Prepared(learner, source.assignment, nb, notes, digest, timestamp, names=source.names)
    prepared.review = review_reasons(prepared.learner_cells())
    prepared.blank = _blank(nb, source)
    return prepared


def _blank(nb: NotebookNode, source: SourceNotebook) -> bool:
    """Whether every answer cell is as it was released (nothing answered,
    nothing added): a blank submission, not a broken one."""
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    unchanged = all(c.source.strip() == source.released.get(grade_id_of(c), "").strip() for c in answers)
    added = any(c.cell_type == "code" and grade_id_of(c) is None and c.source.strip()
                and c.source.strip() not in source.ungraded for c in nb.cells)
    return bool(answers) and unchanged and not added


def plan(prepared: Prepared) -> Plan:
    """What runs where. In the learner's process, every code cell as the
    learner sees it (test cells without their hidden tests, as Validate runs
    them). Then, in the judge, the set-up cell (the instructor's) and every
    test cell whole, starting from the values the saved answer cells write
    out (:func:`~coproduction.cohort.answers.literal_answers`); a core part
    whose cell writes out no value is withheld from the judge, so it counts
    as not answered whatever the learner's process holds. Hidden tests never
    reach the learner's process."""
    first, setup, tests = [], [], []
    answers: dict[int, dict[str, Any]] = {}
    core = core_names(prepared.assignment)
    for index, cell in enumerate(prepared.nb.cells):
        if cell.cell_type != "code":
            continue
        visible = HIDDEN.sub("", cell.source) if is_test(cell) else cell.source
        first.append(Step(index, visible))
        meta = cell.metadata.get("nbgrader", {})
        if is_test(cell):
            tests.append(Step(index, cell.source, hidden=True))
        elif meta.get("grade_id") == SETUP and meta.get("locked"):
            setup.append(Step(index, cell.source, setup=True))
        elif meta.get("solution"):
            written = {n: v for n, v in literal_answers(cell.source).items() if n not in core}
            written.update(core_answer(prepared.assignment, str(meta.get("grade_id", "")), cell.source))
            answers[index] = {name: encode(value) for name, value in written.items()}
    return Plan(first + setup + tests, answers, sorted(core))


def core_answer(assignment: str, grade_id: str, source: str) -> dict[str, Any]:
    """The core part's answer in the answer cell ``grade_id``, read as the
    learner's kernel reads it (:func:`coproduction.answer_cells.read_answer`:
    curly quotes count as quotes); nothing when the cell cannot be read."""
    from coproduction.answering import part_of
    from coproduction.answer_cells import read_answer

    try:
        name = core_part(grade_id, load_key(assignment))
    except (FileNotFoundError, KeyError, ValueError):
        return {}
    part = part_of(assignment, name) if name else None
    if part is None:
        return {}
    reading = read_answer(source, part)
    return {} if reading.slip or reading.value is None else {name: reading.value}


def core_names(assignment: str) -> set[str]:
    """The names the core track's parts are answered in (from the exercise's key)."""
    try:
        return set(load_key(assignment)["parts"])
    except (FileNotFoundError, KeyError, ValueError):
        return set()


def _overwrite(cell: NotebookNode, original: SourceCell, released: str | None, notes: list[str],
               name: str) -> None:
    meta = cell.metadata["nbgrader"]
    if cell.cell_type != original.cell_type:
        notes.append(f"{name} was changed to {cell.cell_type}; it was changed back")
        cell.cell_type = original.cell_type
        if original.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    meta["locked"] = original.locked
    if original.points is not None:
        if "points" in meta and float(meta["points"]) != original.points:
            notes.append(f"the points of {name} were edited; they were put back")
        meta["points"] = original.points
        meta["grade"] = True
    meta["checksum"] = original.checksum
    if original.locked and nbutils.compute_checksum(cell) != original.checksum:
        if cell.source.strip() != (released if released is not None else original.source).strip():
            notes.append(f"{name} was edited; the original was put back")
        cell.source = original.source


def _restore_missing(nb: NotebookNode, source: SourceNotebook, notes: list[str]) -> None:
    """Put back deleted test cells and locked cells, after the nearest earlier
    cell of the exercise that is still there."""
    present = {grade_id_of(c) for c in nb.cells}
    for position, original in enumerate(source.cells):
        if original.name in present or not (original.locked or original.points is not None):
            continue
        notes.append(f"{source.names.get(original.name, original.name)} was deleted; it was put back")
        at = len(nb.cells)
        for earlier in reversed(source.cells[:position]):
            indexes = [i for i, c in enumerate(nb.cells) if grade_id_of(c) == earlier.name]
            if indexes:
                at = indexes[-1] + 1
                break
        else:
            at = 0
        nb.cells.insert(at, _from_source(original))
        present.add(original.name)
