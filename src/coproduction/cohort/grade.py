"""Autograde a cohort: in parallel, sandboxed, robust and resumable.

For each submission the host (this process) reads and checks the notebook,
puts back what a learner may not change (nbgrader's rules: locked and test
cells, points, kernel), and hands its cells to a worker's fresh process one
at a time (:mod:`coproduction.cohort.pool`): every cell the learner can see
first, then the test cells whole, hidden tests included. When the run ends
it scores every test cell with nbgrader's own rule
(:func:`nbgrader.utils.determine_grade`), writes the autograded copy and
commits the grades to nbgrader's gradebook in one transaction. Only this
process writes to the gradebook, so it stays consistent whatever a learner's
code does; each submission's status is committed as soon as it is known, so
an interrupted run loses nothing it recorded and the next run grades only
what is left. Submissions whose code reaches into the grader are scored but
marked ``needs review`` (:mod:`coproduction.cohort.review`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, TextIO

import nbformat
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning

from coproduction.cohort.marks import part_kind
from coproduction.cohort.pool import Outcome, Pool, Step, WorkerStartError
from coproduction.cohort.review import reasons as review_reasons
from coproduction.cohort.sandbox import worker_command
from coproduction.cohort.workspace import COURSE_ID, FINAL, CohortError, StatusRow, Workspace
from coproduction.questions import part_name

__all__ = ["Unreadable", "read_notebook", "SourceNotebook", "load_source", "Prepared", "prepare", "plan",
           "apply_results", "save_grades", "Progress", "autograde", "FURTHER_CHECK", "NOT_RUN"]

NOT_RUN = "NotRun"
#: The error name a test cell gets when only its hidden tests failed.
FURTHER_CHECK = "FurtherCheckFailed"
_HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[^\n]*\n?", re.S)


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
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises several kinds for a malformed notebook
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise Unreadable("unreadable", f"{path.name} is JSON but not a valid notebook: {first[:200]}") from None
    return nb


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
        if _grade_id(cell):
            order[_grade_id(cell)] = index
    notebook = gb.find_notebook(assignment, assignment)
    points = {c.name: float(c.max_score) for c in notebook.grade_cells}
    solutions = {c.name for c in notebook.solution_cells}
    cells = tuple(SourceCell(c.name, c.cell_type, bool(c.locked), c.checksum, c.source, points.get(c.name),
                             c.name in solutions)
                  for c in sorted(notebook.source_cells, key=lambda c: order.get(c.name, len(order))))
    spec = json.loads(notebook.kernelspec) if notebook.kernelspec else None
    given = nbformat.read(release, as_version=4).cells
    released = {_grade_id(c): c.source for c in given if _grade_id(c)}
    ungraded = frozenset(c.source.strip() for c in given if c.cell_type == "code" and not _grade_id(c))
    return SourceNotebook(assignment, assignment, cells, spec, released, ungraded, cell_names(given))


def cell_names(cells: list[NotebookNode]) -> dict[str, str]:
    """Each of the exercise's cells as people name it, from the part's heading
    ("the answer to Part 5: when staying a consultation is honest"), for notes
    a learner or trainer reads instead of nbgrader's cell ids."""
    names = {}
    for index, cell in enumerate(cells):
        grade_id = _grade_id(cell)
        if not grade_id:
            continue
        meta = cell.metadata.get("nbgrader", {})
        part = part_name(cells, index)
        if grade_id == "setup":
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


def _grade_id(cell: NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _is_locked(cell: NotebookNode) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("locked"))


def _is_test(cell: NotebookNode) -> bool:
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
    if not any(_grade_id(c) in known for c in nb.cells):
        raise Unreadable("wrong notebook", "This notebook has none of the exercise's cells: was the right file "
                                           "submitted? (Start again from the exercise in exercises/.)")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # Duplicates: like nbgrader, the last copy keeps the id; the others run as ordinary code.
    seen: set[str] = set()
    for cell in reversed(nb.cells):
        grade_id = _grade_id(cell)
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
        grade_id = _grade_id(cell)
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
    unchanged = all(c.source.strip() == source.released.get(_grade_id(c), "").strip() for c in answers)
    added = any(c.cell_type == "code" and _grade_id(c) is None and c.source.strip()
                and c.source.strip() not in source.ungraded for c in nb.cells)
    return bool(answers) and unchanged and not added


def plan(prepared: Prepared) -> list[Step]:
    """The order cells run in: every code cell as the learner sees it (test
    cells without their hidden tests, as Validate runs them), then each test
    cell that has hidden tests again, whole. Hidden tests thus reach the
    learner's process only after all of its answer cells have run."""
    first, then = [], []
    for index, cell in enumerate(prepared.nb.cells):
        if cell.cell_type != "code":
            continue
        visible = _HIDDEN.sub("", cell.source) if _is_test(cell) else cell.source
        first.append(Step(index, visible))
        if visible != cell.source:
            then.append(Step(index, cell.source, hidden=True))
    return first + then


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
    present = {_grade_id(c) for c in nb.cells}
    for position, original in enumerate(source.cells):
        if original.name in present or not (original.locked or original.points is not None):
            continue
        notes.append(f"{source.names.get(original.name, original.name)} was deleted; it was put back")
        at = len(nb.cells)
        for earlier in reversed(source.cells[:position]):
            indexes = [i for i, c in enumerate(nb.cells) if _grade_id(c) == earlier.name]
            if indexes:
                at = indexes[-1] + 1
                break
        else:
            at = 0
        nb.cells.insert(at, _from_source(original))
        present.add(original.name)


def apply_results(prepared: Prepared, outcome: Outcome) -> list[str]:
    """Put the run's outputs into the notebook. A code cell that never ran
    (after a timeout or a crash) gets an error output, so a test cell that did
    not run can never count as passed; a test cell whose visible checks passed
    but whose hidden tests failed gets a :data:`FURTHER_CHECK` error. Returns
    notes for the learner."""
    notes: list[str] = []
    stopped_at: str | None = None
    reason = {"timeout": "the notebook ran out of time", "crashed": "the notebook stopped",
              "needs review": "grading was stopped"}.get(outcome.end, outcome.end)

    def not_run(what: str) -> NotebookNode:
        return nbformat.v4.new_output("error", ename=NOT_RUN, evalue=f"Not run: {reason} before {what}.",
                                      traceback=[])

    for index, cell in enumerate(prepared.nb.cells):
        if cell.cell_type != "code":
            continue
        result = outcome.results.get(index)
        if result is None:
            if stopped_at is None:
                stopped_at = prepared.named(_grade_id(cell), index)
            cell.outputs = [not_run("this cell")]
            continue
        cell.execution_count = result["execution_count"]
        cell.outputs = [_output(o) for o in result["outputs"]]
        if _is_test(cell) and _HIDDEN.search(cell.source):
            # Run whole, as nbgrader runs it, the cell ends with its hidden tests, so the visible
            # part's last value is never displayed; kept, it could earn nbgrader's partial credit.
            cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
            if not result["failed"]:
                cell.outputs += _further(outcome.hidden.get(index), not_run)
        if any(o.get("output_type") == "stream" and "[output limit:" in o.get("text", "") for o in cell.outputs):
            notes.append(f"output of {prepared.named(_grade_id(cell), index)} was cut to the output limit")
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and (result["failed"] or any(o.output_type == "error" for o in cell.outputs)):
            notes.append(f"an error in {prepared.named(meta.get('grade_id'), index)}")
    if outcome.end in {"timeout", "crashed", "needs review"} and stopped_at is not None:
        notes.insert(0, f"{outcome.detail}, at {stopped_at}; later parts were not run")
    elif outcome.interrupted:
        cell = prepared.nb.cells[outcome.interrupted[0]]
        notes.insert(0, f"{outcome.detail}, at {prepared.named(_grade_id(cell), outcome.interrupted[0])}: it was "
                        "interrupted and the cells after it still ran, as in nbgrader")
    return notes


def _output(raw: dict[str, Any]) -> NotebookNode:
    """One recorded output as a valid nbformat output (whatever the learner's
    process sent, the autograded notebook stays a notebook)."""
    kind = raw.get("output_type")
    if kind == "stream" and raw.get("name") in {"stdout", "stderr"}:
        return nbformat.v4.new_output("stream", name=raw["name"], text=str(raw.get("text", "")))
    if kind == "error":
        return nbformat.v4.new_output("error", ename=str(raw.get("ename", "Error")), evalue=str(raw.get("evalue", "")),
                                      traceback=[str(t) for t in raw.get("traceback", [])][:50])
    if kind in {"display_data", "execute_result"} and isinstance(raw.get("data"), dict):
        data = {str(k): v if isinstance(v, str) else json.dumps(v) if isinstance(v, (dict, list)) else str(v)
                for k, v in raw["data"].items()}
        data = {k: v for k, v in data.items() if k in {"text/plain", "text/html", "image/png", "text/markdown"}}
        output = nbformat.v4.new_output(kind, data=data or {"text/plain": ""})
        if kind == "execute_result":
            count = raw.get("execution_count")
            output.execution_count = count if isinstance(count, int) else None
        return output
    return nbformat.v4.new_output("stream", name="stdout", text="[an output of an unknown kind was dropped]\n")


def _further(hidden: dict[str, Any] | None, not_run: Callable[[str], NotebookNode]) -> list[NotebookNode]:
    """What a test cell's whole run adds when its visible checks passed: its
    errors (renamed, so feedback can tell them from the visible checks) and
    anything it wrote to stderr, which fails a test cell in nbgrader too."""
    if hidden is None:
        return [not_run("its further checks")]
    added = []
    for output in (_output(o) for o in hidden["outputs"]):
        if output.output_type == "error":
            added.append(nbformat.v4.new_output("error", ename=FURTHER_CHECK,
                                                evalue=f"{output.ename}: {output.evalue}",
                                                traceback=output.traceback))
        elif output.output_type == "stream" and output.name == "stderr":
            added.append(output)
    if hidden["failed"] and not any(o.output_type == "error" for o in added):
        added.append(nbformat.v4.new_output("error", ename=FURTHER_CHECK, evalue="a further check failed",
                                            traceback=[]))
    return added


def save_grades(gb: Gradebook, prepared: Prepared | None, learner: str, assignment: str,
                timestamp: str | None) -> tuple[float, float, dict[str, list[float]]]:
    """Record grades as nbgrader's SaveAutoGrades does, in one transaction.

    With no notebook (missing or unreadable), every part scores 0, as nbgrader
    does for a missing notebook. Returns the score, the maximum, and the
    autograder's points by kind of part (what ``status`` adds a trainer's
    marks to)."""
    with warnings.catch_warnings():  # nbgrader's own API trips SQLAlchemy's autoflush notices
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(learner)
        submission = gb.update_or_create_submission(assignment, learner, **({"timestamp": timestamp}
                                                                            if timestamp else {}))
    notebook = next(n for n in submission.notebooks if n.name == assignment)
    grades = {g.name: g for g in notebook.grades}
    comments = {c.name: c for c in notebook.comments}
    if prepared is None:
        for grade in grades.values():
            grade.auto_score, grade.needs_manual_grade = 0, False
    else:
        for cell in prepared.nb.cells:
            grade_id = _grade_id(cell)
            if grade_id is None:
                continue
            if nbutils.is_grade(cell) and grade_id in grades:
                grade = grades[grade_id]
                grade.auto_score, _ = nbutils.determine_grade(cell)
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            if nbutils.is_solution(cell) and grade_id in comments:
                unchanged = cell.metadata.nbgrader.get("checksum") == nbutils.compute_checksum(cell)
                comments[grade_id].auto_comment = "No response." if unchanged else None
    gb.db.commit()
    kinds: dict[str, list[float]] = {}
    for grade in notebook.grades:
        totals = kinds.setdefault(part_kind(grade.name, grade.cell_type), [0.0, 0.0])
        totals[0] += float(grade.auto_score or 0)
        totals[1] += float(grade.max_score)
    return float(submission.score), float(submission.max_score), kinds


def _atomic_write(path: Path, nb: NotebookNode) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    nbformat.write(nb, partial)
    partial.replace(path)


class Progress:
    """A progress bar with an estimate of the time left, on one line of a
    terminal or as occasional lines in a log."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True) -> None:
        self.total, self.done, self.stream, self.enabled = total, 0, stream, enabled
        self.start = time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()
        self._last_tenth = -1

    def update(self, label: str) -> None:
        self.done += 1
        if not self.enabled or not self.total:
            return
        elapsed = time.monotonic() - self.start
        left = elapsed / self.done * (self.total - self.done)
        share = self.done / self.total
        bar = "#" * int(share * 30) + "-" * (30 - int(share * 30))
        line = (f"[{bar}] {self.done}/{self.total} {share:4.0%}  {_clock(elapsed)} elapsed, "
                f"about {_clock(left)} left  {label}")
        if self.tty:
            self.stream.write("\r" + line[:150].ljust(150))
            if self.done == self.total:
                self.stream.write("\n")
        elif int(share * 10) != self._last_tenth or self.done == self.total:
            self._last_tenth = int(share * 10)
            self.stream.write(line + "\n")
        self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _timestamp(folder: Path) -> str | None:
    stamp = folder / "timestamp.txt"
    return stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None


def autograde(ws: Workspace, assignments: Iterable[str] | None = None, *, workers: int | None = None,
              timeout: float = 60.0, total_timeout: float = 300.0, max_output: int = 20_000, sandbox: str = "auto",
              force: bool = False, progress: TextIO | None = None, log: Callable[[str], None] = print
              ) -> list[StatusRow]:
    """Grade every submission in the workspace that is not graded yet.

    ``timeout`` is per cell (as nbgrader's), ``total_timeout`` per
    submission. A submission counts as graded once its status is final and
    its file has not changed since; ``force`` grades everything again.
    Returns the status of every submission graded in this run.
    """
    wanted = list(assignments) if assignments else ws.assignments
    unknown = [a for a in wanted if a not in ws.assignments]
    if unknown:
        raise CohortError(f"Unknown assignment(s) {unknown}; this cohort has {ws.assignments}.")
    queue: list[tuple[str, str]] = []
    for assignment in wanted:
        folder = ws.root / "submitted"
        for learner_dir in sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []:
            if not (learner_dir / assignment).is_dir():
                continue
            path = learner_dir / assignment / f"{assignment}.ipynb"
            row = ws.status(learner_dir.name, assignment)
            if force or row is None or row.status not in FINAL or row.digest != _digest(path):
                queue.append((learner_dir.name, assignment))
    done: list[StatusRow] = []
    if not queue:
        log("Nothing to grade: every collected submission is already graded (use --force to grade again).")
        return done
    _, found = worker_command(ws.course / "datasets", sandbox, ws.root / "logs")  # refuses early if required
    if not found.enabled:
        log(f"Warning: grading is NOT sandboxed: {found.reason}. Learner code can read and write "
            "whatever this user can.")
    bar = Progress(len(queue), progress or sys.stderr, enabled=progress is not None)
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        sources = {}
        for assignment in wanted:
            try:
                sources[assignment] = load_source(gb, assignment, ws.source(assignment), ws.release(assignment))
            except MissingEntry:
                raise CohortError(f"The gradebook has no assignment {assignment!r}; recreate the cohort.") from None
        running: dict[str, Prepared] = {}

        def finish(row: StatusRow) -> None:
            ws.set_status(row)
            done.append(row)
            bar.update(f"{row.learner}/{row.assignment}: {row.status}")

        def next_job() -> tuple[str, list[Step]] | None:
            while queue:
                learner, assignment = queue.pop(0)
                job = _begin(ws, gb, sources[assignment], learner, assignment, finish)
                if job is not None:
                    running[f"{learner}/{assignment}"] = job
                    return f"{learner}/{assignment}", plan(job)
            return None

        def ended(key: str, outcome: Outcome) -> None:
            _complete(ws, gb, running.pop(key), outcome, finish)

        count = max(1, min(workers or os.cpu_count() or 1, len(queue)))
        pool = Pool(count, ws.course / "datasets", sandbox, ws.root / "logs", timeout=timeout, total=total_timeout,
                    max_output=max_output)
        try:
            pool.run(ended, next_job)
        except WorkerStartError as err:
            raise CohortError(str(err)) from None
    return done


def _begin(ws: Workspace, gb: Gradebook, source: SourceNotebook, learner: str, assignment: str,
           finish: Callable[[StatusRow], None]) -> Prepared | None:
    """Read and sanitise one submission; record it at once if it cannot run."""
    folder = ws.submitted(learner, assignment)
    path = folder / f"{assignment}.ipynb"
    digest, timestamp = _digest(path), _timestamp(folder)
    collected = ws.status(learner, assignment)
    carried = [n for n in (collected.notes if collected else []) if n.startswith("collected:")]
    try:
        prepared = prepare(read_notebook(path), source, learner, digest, timestamp)
    except Unreadable as bad:
        score, max_score, kinds = save_grades(gb, None, learner, assignment, timestamp)
        finish(StatusRow(learner, assignment, bad.status, bad.message, carried, score, max_score, digest, 0.0,
                         kinds=kinds))
        return None
    prepared.notes[:0] = carried
    return prepared


def _complete(ws: Workspace, gb: Gradebook, job: Prepared, outcome: Outcome,
              finish: Callable[[StatusRow], None]) -> None:
    notes = job.notes + apply_results(job, outcome)
    _atomic_write(ws.autograded(job.learner, job.assignment) / f"{job.assignment}.ipynb", job.nb)
    score, max_score, kinds = save_grades(gb, job, job.learner, job.assignment, job.timestamp)
    review = list(job.review)
    if outcome.tampered:
        review.append("replaced, while it ran: " + ", ".join(sorted(set(outcome.tampered))[:6]))
    if outcome.end == "needs review":
        review.append(outcome.detail)
    status = outcome.end
    if status == "finished":
        status = "timeout" if outcome.interrupted else "graded"
    detail = "" if status in {"graded", "needs review"} else outcome.detail
    if status == "graded" and job.blank:
        status, detail = "blank", "every answer is as it was released: nothing was answered"
    if review:
        if status not in {"graded", "needs review"}:
            notes.insert(0, f"{status}: {detail}")
        status, detail = "needs review", "needs review: " + "; ".join(review)
    finish(StatusRow(job.learner, job.assignment, status, detail, notes, score, max_score, job.digest,
                     outcome.seconds, kinds=kinds))
