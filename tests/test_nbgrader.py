"""The exercises through real nbgrader commands on real notebooks.

For every assignment, simulated learners (see ``tests/submissions``) submit:
the model solution, a different correct solution, a partly wrong one, a
blank one and one written to pass only the visible checks. Each expected
score is the sum of the points of the parts that submission gets right,
with the points read from the instructor notebook, so the numbers follow
from what each submission does rather than from a total typed into the test.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.nbgrader_tools import LEAK_MARKERS, assignments, nbgrader, secret_lines

from .conftest import ROOT, copy_course, grade_ids, read_nb
from .submissions import (Assignment, core_parts, error_text, fill, optional_parts, questions, wrong_message,
                          wrong_options)
from .submissions.cohort import ASSIGNMENTS

pytestmark = pytest.mark.slow

def _fill(release: Path, answers: dict[str, str], written: dict[str, str], dest: Path) -> None:
    nb = fill(release, answers, written)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


#: The simulated learners graded here by nbgrader's own ``autograde``: what a
#: trainer using plain nbgrader would see. Every simulated learner (one per
#: wrong option too) is also graded by the course's cohort grader in
#: tests/test_cohort.py, which checks their scores and messages.
NBGRADER_LEARNERS = ("solution", "partly-wrong", "blank", "hard-coded", "typed-as-people-type", "slips")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory: pytest.TempPathFactory, release: Path) -> tuple[Path, dict]:
    """A course copy with these simulated learners' work for every assignment,
    autograded by nbgrader in one run (its start-up costs more than a notebook):
    the course and each submission's scores, by assignment and learner."""
    course = copy_course(tmp_path_factory.mktemp("graded") / "course")
    # The run's release: its gradebook already holds every assignment, as generate_assignment leaves it.
    (course / ".nbgrader").mkdir()
    shutil.copy(release / "gradebook.db", course / ".nbgrader" / "gradebook.db")
    for assignment in ASSIGNMENTS.values():
        for learner_id in NBGRADER_LEARNERS:
            learner = assignment.learners[learner_id]
            written = assignment.written if learner.written else {}
            _fill(assignment.release, learner.answers(), written,
                  course / ".nbgrader" / "submitted" / learner_id / assignment.name / f"{assignment.name}.ipynb")
    nbgrader("autograde", "*", "--force", cwd=course)
    scores: dict[str, dict] = {}
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        for name in ASSIGNMENTS:
            for learner_id in NBGRADER_LEARNERS:
                submission = gb.find_submission(name, learner_id)
                scores.setdefault(name, {})[learner_id] = {
                    "total": submission.score,
                    "max": submission.max_score,
                    "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in submission.notebooks[0].grades},
                }
    return course, scores


@pytest.fixture(params=sorted(ASSIGNMENTS))
def graded(request: pytest.FixtureRequest, graded_course: tuple[Path, dict]) -> tuple[Assignment, Path, dict]:
    """One assignment of the graded course: the assignment, the course and its scores."""
    course, scores = graded_course
    return ASSIGNMENTS[request.param], course, scores[request.param]


def _points(assignment: Assignment) -> dict[str, float]:
    return {gid: meta["points"] for gid, meta in grade_ids(read_nb(assignment.source)).items() if meta.get("grade")}


@pytest.mark.parametrize("name", sorted(ASSIGNMENTS))
def test_exercise_shape(name: str) -> None:
    source = ASSIGNMENTS[name].source
    meta = grade_ids(read_nb(source))
    autograded = [g for g, m in meta.items() if m.get("grade") and not m.get("solution")]
    manual = [g for g, m in meta.items() if m.get("grade") and m.get("solution")]
    assert len(autograded) >= 5, "at least five autograded parts"
    assert len(manual) >= 1, "at least one written answer"
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in read_nb(source).cells
               if "nbgrader" in c.metadata}
    for grade_id in autograded:
        source = sources[grade_id]
        assert source.startswith('"""'), f"{grade_id}: a test cell starts with a docstring"
        assert "### BEGIN HIDDEN TESTS" in source, f"{grade_id} has no hidden tests"
        visible = source.split("### BEGIN HIDDEN TESTS")[0]
        bare = [line for line in visible.splitlines() if line.startswith("assert ") and "," not in line
                and not line.rstrip().endswith("(")]
        assert not bare, f"{grade_id}: every visible assert carries a message: {bare}"


def test_autograde_scores_follow_from_each_submission(graded: tuple[Assignment, Path, dict]) -> None:
    assignment, _, scores = graded
    points = _points(assignment)
    wrong = []
    for learner in NBGRADER_LEARNERS:
        spec, result = assignment.learners[learner], scores[learner]
        for grade_id, (auto_score, _) in result["grades"].items():
            if grade_id.endswith("_tests"):
                want = points[grade_id] if grade_id in spec.passes else 0.0
                if auto_score != want:
                    wrong.append(f"{learner}: {grade_id} scored {auto_score}, expected {want}")
        if result["total"] != sum(points[g] for g in spec.passes):
            wrong.append(f"{learner}: total {result['total']}")
        assert result["max"] == sum(points.values())
    assert not wrong, "\n".join(wrong)


def _autograded(course: Path, learner: str, name: str) -> dict[str, nbformat.NotebookNode]:
    nb = read_nb(course / ".nbgrader" / "autograded" / learner / name / f"{name}.ipynb")
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def test_a_blank_notebook_says_not_answered_yet_without_tracebacks(graded: tuple[Assignment, Path, dict]) -> None:
    assignment, course, _ = graded
    cells = _autograded(course, "blank", assignment.name)
    for grade_id in sorted(core_parts(assignment.name)):
        text = error_text(cells[grade_id])
        assert "not answered yet" in text, f"{grade_id}: {text[:200]}"
        for word in ("Traceback", "NameError", "NotImplementedError", "File ", "line "):
            assert word not in text, f"{grade_id} shows {word!r}: {text[:200]}"


def test_written_answers_wait_for_a_trainer(graded: tuple[Assignment, Path, dict]) -> None:
    assignment, course, scores = graded
    manual = [g for g, m in grade_ids(read_nb(assignment.source)).items() if m.get("grade") and m.get("solution")]
    for grade_id in manual:
        assert scores["solution"]["grades"][grade_id][1] is True, f"{grade_id} needs manual grading"
    # A trainer marks them through nbgrader's gradebook, as Formgrader does.
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        for grade_id in manual:
            grade = gb.find_grade(grade_id, assignment.name, assignment.name, "solution")
            grade.manual_score = 1
        gb.db.commit()
        total = gb.find_submission(assignment.name, "solution").score
    assert total == sum(p for g, p in _points(assignment).items() if g.endswith("_tests")) + len(manual)


def test_autograded_copies_keep_the_instructors_tests(graded: tuple[Assignment, Path, dict]) -> None:
    assignment, course, _ = graded
    copy = read_nb(course / ".nbgrader" / "autograded" / "hard-coded" / assignment.name / f"{assignment.name}.ipynb")
    failed = [c for c in copy.cells if c.metadata.get("nbgrader", {}).get("grade")
              and any(o.output_type == "error" for o in c.get("outputs", []))]
    want = len(core_parts(assignment.name)) + len(optional_parts(assignment.name))
    assert len(failed) == want, "each copied core answer fails, and each hard-coded function fails its hidden tests"


def test_exercises_equal_a_fresh_release(release: Path) -> None:
    """exercises/ is what nbgrader makes of solutions/ now (the run's release)."""
    for name in assignments(ROOT):
        fresh = sorted(p.name for p in (release / "release" / name).glob("*.ipynb"))
        assert fresh == [f"{name}.ipynb"], f"nbgrader released {fresh} for {name}"
        committed = ROOT / "exercises" / name / fresh[0]
        assert committed.is_file(), f"{committed} is missing: run make release"
        assert read_nb(release / "release" / name / fresh[0]) == read_nb(committed), (
            f"{committed} is stale: run make release")


def test_no_solution_or_hidden_test_in_exercises() -> None:
    source_lines = secret_lines()
    for path in (ROOT / "exercises").rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for marker in LEAK_MARKERS:
            assert marker not in text, f"{path} contains {marker!r}"
        released = {line.strip() for cell in read_nb(path).cells for line in cell.source.splitlines()}
        leaked = source_lines & released
        assert not leaked, f"{path} contains solution or hidden-test lines: {sorted(leaked)[:3]}"


#: Validate on the learners whose reports differ: nothing answered, a wrong
#: answer, and the core track alone (which passes: going further is optional).
VALIDATED = ("blank", "partly-wrong", "core-only")
#: How nbgrader's validator starts its report on each notebook it checks.
_REPORT_START = re.compile(r"^(?=VALIDATION FAILED ON|Success! Your notebook passes all the tests\.)", re.M)


@pytest.fixture(scope="module")
def validated_all(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    """What the Validate button shows each of these learners on every exercise:
    nbgrader's validator on their copies, in one run (its start-up costs more
    than a notebook). Each report, by (exercise, learner), from standard
    output: the dialog shows the report, not the server's log (standard
    error), where a kernel's shutdown can log a traceback of its own under load."""
    folder = tmp_path_factory.mktemp("validate")
    checked, paths = [], []
    for name, assignment in sorted(ASSIGNMENTS.items()):
        for learner in VALIDATED:
            path = folder / name / learner / f"{name}.ipynb"
            _fill(assignment.release, assignment.learners[learner].answers(), assignment.written, path)
            checked.append((name, learner))
            paths.append(str(path))
    result = nbgrader("validate", *paths, cwd=folder, check=False)
    reports = [part for part in _REPORT_START.split(result.stdout) if part.strip()]
    assert len(reports) == len(paths), result.stdout[-3000:] + result.stderr[-3000:]
    return dict(zip(checked, reports))


@pytest.fixture(params=sorted(ASSIGNMENTS))
def validated(request: pytest.FixtureRequest, validated_all: dict[tuple[str, str], str]) -> dict[str, str]:
    """One exercise's reports, by learner."""
    name = request.param
    return {"name": name, **{learner: validated_all[(name, learner)] for learner in VALIDATED}}


@pytest.mark.parametrize("learner", VALIDATED)
def test_validate_reports_what_a_learner_sees(validated: dict[str, str], learner: str) -> None:
    """What the Validate button shows: nbgrader's validator on the learner's copy."""
    name, report = validated["name"], validated[learner]
    assignment = ASSIGNMENTS[name]
    if learner == "core-only":
        # A learner who does only the core track passes Validate: going further is optional.
        assert report.startswith("Success! Your notebook passes all the tests."), report[-2000:]
        return
    assert report.startswith("VALIDATION FAILED"), report[-2000:]
    # Only the errors count: the report also lists each failing cell's source.
    errors = [part.split("=" * 20)[0] for part in report.split("The error was:")[1:]]
    cut = [line for error in errors for line in error.splitlines() if line.rstrip().endswith("...")]
    assert not cut, f"Validate cut a check's message short: {cut}"
    words = " ".join(" ".join(errors).split())  # messages arrive wrapped over lines
    for word in ("Traceback", "NameError", "NotImplementedError"):
        assert word not in words, f"Validate shows {word!r} to a learner"
    if learner == "blank":
        assert words.count("not answered yet") >= len(core_parts(name))
    if learner == "partly-wrong":
        # The learner is told which check failed and why, in the module's words.
        bank = list(questions(name).values())
        expected = [wrong_message(q, wrong_options(q)[0]) for q in bank[:2]]
        for message in (*expected, *assignment.partly_wrong_messages):
            assert " ".join(message.split()) in words, f"Validate's errors should say {message!r}"
