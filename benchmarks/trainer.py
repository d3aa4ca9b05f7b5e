"""A trainer's everyday commands on a large cohort (issue 17).

A synthetic workspace of 1,000 and then 10,000 learners × 5 assignments is
made directly (gradebook rows written as nbgrader would write them, not by
grading): every learner submitted every assignment, each graded part scored
at random with a fixed seed, a third of the written answers marked. On each,
the commands a trainer types are timed as they run for real, Python's
start-up included: ``status`` (above 200 rows a summary: how many learners
have each status, and who needs a look), ``status --all`` (a row per learner
and assignment), ``report``, ``export --pseudonymise`` and
``certificates --no-pdf``. Printed: each time at both sizes and the ratio
10,000 / 1,000 (10 means linear growth). Targets: ``status`` under 1 s at
10,000 learners.

``cohort create`` for 40 learners is timed both ways in one run: once on a
course whose learners' notebooks were never generated (what every cohort
cost before: nbgrader generates all five assignments), and once on a course
already generated (every later cohort of the same course version). The
target is under 5 s for the latter.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.timing import Result
from coproduction.cohort.collect import create_cohort, generated
from coproduction.cohort.marks import part_kind
from coproduction.cohort.workspace import StatusRow, Workspace
from tests.conftest import copy_course

ROOT = Path(__file__).resolve().parents[1]
SIZES = (1_000, 10_000)


def _roster(path: Path, learners: int) -> Path:
    path.write_text("id,first_name,last_name\n" + "".join(f"L{i:05d},First{i},Last{i}\n" for i in range(learners)),
                    encoding="utf-8")
    return path


def fill_gradebook(ws: Workspace, seed: int = 0) -> None:
    """Every learner's submission of every assignment, graded, as nbgrader's tables hold it."""
    rng = random.Random(seed)
    db = sqlite3.connect(ws.db_url.removeprefix("sqlite:///"))
    cells = db.execute("""SELECT a.id, a.name, n.id, bc.id, bc.name, gc.cell_type, gc.max_score FROM grade_cells gc
                          JOIN base_cell bc ON bc.id = gc.id JOIN notebook n ON n.id = bc.notebook_id
                          JOIN assignment a ON a.id = n.assignment_id""").fetchall()
    solutions = db.execute("""SELECT bc.notebook_id, bc.id, bc.name FROM solution_cells sc
                              JOIN base_cell bc ON bc.id = sc.id""").fetchall()
    by_assignment: dict[str, list[tuple]] = {}
    for row in cells:
        by_assignment.setdefault(row[1], []).append(row)
    submissions, notebooks, grades, comments, statuses = [], [], [], [], []
    for learner in ws.learners():
        for name, parts in by_assignment.items():
            assignment_id, notebook_id = parts[0][0], parts[0][2]
            sub, nb = uuid.uuid4().hex, uuid.uuid4().hex
            submissions.append((sub, assignment_id, learner.id, "2026-11-20 10:00:00.000000"))
            notebooks.append((nb, sub, notebook_id))
            total = maximum = 0.0
            kinds: dict[str, list[float]] = {}  # the autograder's points by kind, as autograde records them
            for *_, cell_id, part, cell_type, max_score in parts:
                auto = None
                if cell_type == "markdown":
                    marked = rng.random() < 1 / 3
                    manual = float(rng.randint(0, int(max_score))) if marked else None
                    grades.append((uuid.uuid4().hex, nb, cell_id, None, manual, None, not marked))
                    total += manual or 0
                else:
                    auto = max_score if rng.random() < 0.7 else 0.0
                    grades.append((uuid.uuid4().hex, nb, cell_id, auto, None, None, False))
                    total += auto
                maximum += max_score
                points = kinds.setdefault(part_kind(part, cell_type), [0.0, 0.0])
                points[0] += auto or 0.0
                points[1] += max_score
            comments += [(uuid.uuid4().hex, nb, cell_id, None, None)
                         for nb_id, cell_id, _ in solutions if nb_id == notebook_id]
            statuses.append(StatusRow(learner.id, name, "graded", "", [], total, maximum, "digest", 1.0, kinds=kinds))
    with db:
        db.executemany("INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp) VALUES (?,?,?,?)",
                       submissions)
        db.executemany("INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged) VALUES (?,?,?,0)",
                       notebooks)
        db.executemany("INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, "
                       "needs_manual_grade) VALUES (?,?,?,?,?,?,?)", grades)
        db.executemany("INSERT INTO comment (id, notebook_id, cell_id, auto_comment, manual_comment) "
                       "VALUES (?,?,?,?,?)", comments)
    db.close()
    ws.set_statuses(statuses)


def _command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coproduction.cli", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def run() -> list[Result]:
    results: list[Result] = []
    generated(ROOT)  # the course version this checkout is, generated once (as a trainer's first cohort does)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        times: dict[str, dict[int, float]] = {}
        for size in SIZES:
            ws = create_cohort(base / f"ws{size}", _roster(base / f"roster{size}.csv", size), ROOT)
            fill_gradebook(ws)
            root = str(ws.root)
            for name, args in (("status", ("status", root)), ("status_all_rows", ("status", root, "--all")),
                               ("report", ("report", root)),
                               ("export_pseudonymised", ("export", root, "--pseudonymise")),
                               ("certificates", ("certificates", root, "--no-pdf", "--allow-unmarked",
                                                 "--min-share", "50"))):
                times.setdefault(name, {})[size] = _command(*args)
                print(f"trainer {name} at {size} learners: {times[name][size]:.2f} s", flush=True)
            ws.close()
        small, large = SIZES
        for name, by_size in times.items():
            results += [(f"trainer_{name}_{small}_learners", by_size[small], "s"),
                        (f"trainer_{name}_{large}_learners", by_size[large], "s"),
                        (f"trainer_{name}_growth_{large}_vs_{small}", by_size[large] / by_size[small], "x")]
        results.append(("trainer_status_target", 1.0, "s"))

        roster = _roster(base / "roster40.csv", 40)
        cold_course = copy_course(base / "fresh-course")  # never generated: as every cohort was before
        start = time.perf_counter()
        create_cohort(base / "cold", roster, cold_course).close()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        create_cohort(base / "warm", roster, ROOT).close()
        warm = time.perf_counter() - start
        print(f"cohort create, 40 learners: {cold:.1f} s generating, {warm:.2f} s on a generated course", flush=True)
        results += [("cohort_create_40_learners_first_of_a_course_version", cold, "s"),
                    ("cohort_create_40_learners", warm, "s"),
                    ("cohort_create_target", 5.0, "s"),
                    ("cohort_create_speedup_vs_generating_each_time", cold / warm, "x")]
    return results


if __name__ == "__main__":
    for result_name, value, unit in run():
        print(f"{result_name}: {value:.4g} {unit}")
