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

The steps, one file each: reading and sanitising
(:mod:`coproduction.cohort.prepare`), running the cells in the workers
(:mod:`coproduction.cohort.pool`, speaking :mod:`coproduction.cohort.protocol`),
scoring and saving (:mod:`coproduction.cohort.scoring`) and the progress bar
(:mod:`coproduction.cohort.progressbar`); this module queues the submissions
and records each one's status.
:class:`~coproduction.cohort.settings.Settings` carries what the trainer
chose for the run.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, TextIO

import nbformat
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry

from coproduction.cohort.plan import Outcome, Step
from coproduction.cohort.pool import Pool, WorkerStartError
from coproduction.cohort.prepare import Prepared, SourceNotebook, Unreadable, load_source, plan, prepare, read_notebook
from coproduction.cohort.inert import capped, for_trainers
from coproduction.cohort.log import logger
from coproduction.cohort.progressbar import Progress
from coproduction.cohort.sandbox import worker_command
from coproduction.cohort.scoring import apply_results, disagreements, save_grades
from coproduction.cohort.settings import Settings
from coproduction.cohort.workspace import COURSE_ID, FINAL, CohortError, StatusRow, Workspace

__all__ = ["Settings", "autograde"]

_LOG = logger(__name__)


def _atomic_write(path: Path, nb: NotebookNode) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    nbformat.write(nb, partial)
    partial.replace(path)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _timestamp(folder: Path) -> str | None:
    stamp = folder / "timestamp.txt"
    return stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else None


def autograde(ws: Workspace, assignments: Iterable[str] | None = None, settings: Settings = Settings(), *,
              progress: TextIO | None = None) -> list[StatusRow]:
    """Grade every submission in the workspace that is not graded yet.

    A submission counts as graded once its status is final and its file has
    not changed since; ``settings.force`` grades everything again.
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
            if settings.force or row is None or row.status not in FINAL or row.digest != _digest(path):
                queue.append((learner_dir.name, assignment))
    done: list[StatusRow] = []
    if not queue:
        _LOG.info("Nothing to grade: every collected submission is already graded (use --force to grade again).")
        return done
    _, found = worker_command(ws.course / "datasets", settings.sandbox, ws.root / "logs")  # refuses early if required
    if not found.enabled:
        _LOG.warning("Warning: grading is NOT sandboxed: %s. Learner code can read and write whatever this user "
                     "can.", found.reason)
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
            _LOG.debug("%s/%s: %s, %s of %s points in %.1f s%s", row.learner, row.assignment, row.status,
                       row.score, row.max_score, row.seconds or 0, f" ({row.detail})" if row.detail else "")

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

        count = max(1, min(settings.workers or os.cpu_count() or 1, len(queue)))
        _LOG.debug("grading %d submission(s) with %d worker(s), sandbox %s, settings %s", len(queue), count,
                   "on" if found.enabled else "off", settings)
        pool = Pool(count, ws.course / "datasets", settings.sandbox, ws.root / "logs", timeout=settings.timeout,
                    total=settings.total_timeout, max_output=settings.max_output)
        try:
            pool.run(ended, next_job)
        except WorkerStartError as err:
            raise CohortError(str(err)) from None
    _LOG.debug("graded %d submission(s): %s", len(done), ", ".join(
        f"{n} {status}" for status, n in sorted(Counter(r.status for r in done).items())))
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
    notes = capped(notes + for_trainers(job.nb))  # Formgrader shows this copy: learner HTML stays text
    _atomic_write(ws.autograded(job.learner, job.assignment) / f"{job.assignment}.ipynb", job.nb)
    score, max_score, kinds = save_grades(gb, job, job.learner, job.assignment, job.timestamp)
    review = list(job.review) + disagreements(job, outcome)
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
