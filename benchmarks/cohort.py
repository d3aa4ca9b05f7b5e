"""Grading a cohort: plain sequential ``nbgrader autograde`` against
``coproduction autograde``, on the same synthetic cohort, in one run.

The cohort is the tests' (``tests/submissions/cohort.py``) without its bad
and malicious submissions, which plain nbgrader cannot be trusted with:
about 180 well-formed submissions from 40 learners over every assignment,
some of them using magics (``%matplotlib inline``, ``%time``, ``!echo``) and
answers that warn when a check calls them. Both must give every submission
the same score; the ratio of wall times is printed as ``cohort autograde
speedup vs nbgrader: X.XXx``. Also printed: the pipeline's time per
submission, against the floor of about 0.1 s that running a notebook in an
already-started Python costs, and the sandbox's own cost: the same run
with ``--sandbox off``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from benchmarks.timing import Result
from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.grade import Settings, autograde
from coproduction.nbgrader_tools import nbgrader
from tests.conftest import copy_course
from tests.submissions import cohort as synthetic

ROOT = Path(__file__).resolve().parents[1]
FLOOR_S = 0.1


def _nbgrader_scores(base: Path, submissions: list[synthetic.Submission]) -> tuple[float, dict]:
    course = copy_course(base / "course")
    for name in synthetic.ASSIGNMENTS:
        nbgrader("generate_assignment", name, "--force", cwd=course)
    for s in submissions:
        target = course / ".nbgrader" / "submitted" / s.learner / s.assignment / f"{s.assignment}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(s.content)
    start = time.perf_counter()
    for name in synthetic.ASSIGNMENTS:
        nbgrader("autograde", name, cwd=course)
    seconds = time.perf_counter() - start
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        scores = {(s.learner, s.assignment): gb.find_submission(s.assignment, s.learner).score for s in submissions}
    return seconds, scores


def _pipeline_scores(base: Path, cohort: synthetic.Cohort, submissions: list[synthetic.Submission],
                     sandbox: str = "required") -> tuple[float, dict, list[float]]:
    base.mkdir(parents=True, exist_ok=True)
    roster = base / "roster.csv"
    roster.write_text(synthetic.roster_csv(cohort), encoding="utf-8")
    ws = create_cohort(base / "workspace", roster, ROOT)
    for name in synthetic.ASSIGNMENTS:
        inbox = base / "inbox" / name
        for s in submissions:
            if s.assignment == name:
                path = inbox / synthetic.lms_name(s)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(s.content)
        collect(ws, name, inbox)
    start = time.perf_counter()
    rows = autograde(ws, settings=Settings(workers=os.cpu_count(), sandbox=sandbox), progress=None)
    seconds = time.perf_counter() - start
    scores = {(r.learner, r.assignment): r.score for r in rows}
    per_job = [r.seconds for r in rows if r.seconds]
    ws.close()
    return seconds, scores, per_job


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        cohort = synthetic.build(ROOT, base / "workspace", port=9, token="bench")
        submissions = synthetic.well_formed(cohort)
        learners = len({s.learner for s in submissions})
        print(f"cohort: {len(submissions)} well-formed submissions from {learners} learners, "
              f"{os.cpu_count()} cores", file=sys.stderr)
        ours_s, ours, per_job = _pipeline_scores(base / "ours", cohort, submissions)
        print(f"coproduction autograde: {ours_s:.1f} s", file=sys.stderr)
        bare_s, bare, _ = _pipeline_scores(base / "bare", cohort, submissions, sandbox="off")
        print(f"coproduction autograde --sandbox off: {bare_s:.1f} s", file=sys.stderr)
        plain_s, plain = _nbgrader_scores(base / "plain", submissions)
        print(f"nbgrader autograde: {plain_s:.1f} s", file=sys.stderr)
    differ = [key for key in plain if plain[key] != ours.get(key) or plain[key] != bare.get(key)]
    print(f"identical scores: {len(plain) - len(differ)} of {len(plain)} well-formed submissions")
    if differ:
        raise AssertionError(f"scores differ from nbgrader's for {differ[:5]}")
    speedup = plain_s / ours_s
    per_submission = ours_s / len(submissions)
    print(f"cohort autograde speedup vs nbgrader: {speedup:.2f}x")
    print(f"per submission: nbgrader {plain_s / len(submissions):.3f} s, this pipeline {per_submission:.3f} s wall "
          f"({statistics.median(per_job):.3f} s median in a worker) against a floor of {FLOOR_S} s")
    cost = (ours_s - bare_s) / len(submissions)
    print(f"sandbox cost per submission: {cost * 1000:.1f} ms (sandboxed {ours_s:.1f} s, unsandboxed {bare_s:.1f} s; "
          f"ratio {ours_s / bare_s:.2f}x)")
    return [
        ("cohort_nbgrader_autograde", plain_s, "s"),
        ("cohort_pipeline_unsandboxed_autograde", bare_s, "s"),
        ("cohort_sandbox_cost_s_per_submission", cost, "s"),
        ("cohort_pipeline_autograde", ours_s, "s"),
        ("cohort_autograde_speedup_vs_nbgrader", speedup, "x"),
        ("cohort_pipeline_s_per_submission", per_submission, "s"),
        ("cohort_pipeline_s_per_submission_vs_floor", per_submission / FLOOR_S, "x"),
        ("cohort_worker_median_s_per_submission", statistics.median(per_job), "s"),
    ]


if __name__ == "__main__":
    for name, value, unit in run():
        print(f"{name}: {value:.4g} {unit}")
