"""Grading's last step: put a run's outputs into the notebook and score it.

:func:`apply_results` puts what each cell did back into the submission, so
that a cell that never ran, or whose hidden tests failed, fails as a check;
:func:`save_grades` scores every part with nbgrader's own rule
(:func:`nbgrader.utils.determine_grade`) and records it in nbgrader's
gradebook in one transaction, as nbgrader's SaveAutoGrades does.
"""

from __future__ import annotations

import json
import warnings
from typing import Any, Callable

import nbformat
from nbformat import NotebookNode
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from coproduction.cohort.marks import part_kind
from coproduction.cohort.plan import Outcome
from coproduction.cohort.prepare import HIDDEN, Prepared, grade_id_of, is_test

__all__ = ["apply_results", "disagreements", "save_grades", "NOT_RUN", "FURTHER_CHECK"]

NOT_RUN = "NotRun"
#: The error name a test cell gets when only its hidden tests failed.
FURTHER_CHECK = "FurtherCheckFailed"

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

    cut: list[str] = []
    for index, cell in enumerate(prepared.nb.cells):
        if cell.cell_type != "code":
            continue
        result = outcome.results.get(index)
        if result is None:
            if stopped_at is None:
                stopped_at = prepared.named(grade_id_of(cell), index)
            cell.outputs = [not_run("this cell")]
            continue
        cell.execution_count = result["execution_count"]
        cell.outputs = [_output(o) for o in result["outputs"]]
        if is_test(cell):
            if HIDDEN.search(cell.source):
                # Run whole, as nbgrader runs it, the cell ends with its hidden tests, so the visible
                # part's last value is never displayed; kept, it could earn nbgrader's partial credit.
                cell.outputs = [o for o in cell.outputs if o.output_type != "execute_result"]
            if not result["failed"]:  # the judge's run decides: the learner's process can only lose marks
                cell.outputs += _further(outcome.hidden.get(index), not_run)
        if any(o.get("output_type") == "stream" and "[output limit:" in o.get("text", "") for o in cell.outputs):
            cut.append(prepared.named(grade_id_of(cell), index))
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and (result["failed"] or any(o.output_type == "error" for o in cell.outputs)):
            notes.append(f"an error in {prepared.named(meta.get('grade_id'), index)}")
    if cut:  # one note, however many cells printed too much
        notes.append(f"output of {cut[0]}{f' and {len(cut) - 1} more cells' if len(cut) > 1 else ''} was cut to "
                     "the output limit")
    if outcome.end in {"timeout", "crashed", "needs review"} and stopped_at is not None:
        notes.insert(0, f"{outcome.detail}, at {stopped_at}; later parts were not run")
    elif outcome.interrupted:
        cell = prepared.nb.cells[outcome.interrupted[0]]
        notes.insert(0, f"{outcome.detail}, at {prepared.named(grade_id_of(cell), outcome.interrupted[0])}: it was "
                        "interrupted and the cells after it still ran, as in nbgrader")
    return notes


def _hidden_lines(source: str) -> set[int]:
    """The line numbers (from 1) of a test cell's hidden tests."""
    lines: set[int] = set()
    for match in HIDDEN.finditer(source):
        first = source.count("\n", 0, match.start()) + 1
        lines |= set(range(first, first + match.group(0).count("\n") + 1))
    return lines


def disagreements(prepared: Prepared, outcome: Outcome) -> list[str]:
    """Where the learner's process and the judge tell different stories about
    a test cell's visible checks: the judge ran them on what the saved
    notebook holds, in a process no learner code touched, so a difference
    means the learner's process was changed or its answer is not what the
    page shows. Each in words for the trainer."""
    passed, failed = [], []
    for index, cell in enumerate(prepared.nb.cells):
        mine, judged = outcome.results.get(index), outcome.hidden.get(index)
        if not is_test(cell) or mine is None or judged is None:
            continue
        # "the check of Part 1: a consultation on ..." is named by its part alone: "Part 1".
        name = prepared.named(grade_id_of(cell), index).removeprefix("the check of ").split(":")[0]
        line = judged.get("line", 0)
        if not mine["failed"] and judged["failed"] and line and line not in _hidden_lines(cell.source):
            passed.append(name)
        elif mine["failed"] and not judged["failed"]:
            failed.append(name)
    found = []
    if passed:
        found.append(f"the notebook's own run passed the checks of {', '.join(passed)}, which fail on what its "
                     "saved answers hold")
    if failed:
        found.append(f"the notebook's own run failed the checks of {', '.join(failed)}, which pass on what its "
                     "saved answers hold")
    return found


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
            grade_id = grade_id_of(cell)
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
