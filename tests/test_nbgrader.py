"""The exercises through real nbgrader commands on real notebooks.

Simulated learners submit the ladder exercise: the model solution, a
different correct solution, a partly wrong one, a blank one and one written
to pass only the visible checks. Each expected score is the sum of the
points of the parts that submission gets right, with the points read from
the instructor notebook, so the numbers follow from what each submission
does rather than from a total typed into the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.release import assignments, nbgrader

from .conftest import ROOT, copy_course, grade_ids, read_nb

pytestmark = pytest.mark.slow

LADDER_SOURCE = ROOT / "solutions" / "ladder" / "ladder.ipynb"
LADDER_RELEASE = ROOT / "exercises" / "ladder" / "ladder.ipynb"

ALTERNATIVE = {
    "q1_answer": '''
SPECTRUM = "Inform Educate Consult Engage Co-design Co-produce".split()


def order_types(names):
    position = {name: i for i, name in enumerate(SPECTRUM)}
    return [name for _, name in sorted((position[n], n) for n in names)]
''',
    "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    if answer_sought == "none":
        return "Inform"
    if decision_made:
        return "Educate"
    return {
        "understanding": "Educate",
        "yes or no": "Consult",
    }.get(answer_sought) or (
        "Co-produce" if objective_set_by == "together"
        else "Co-design" if method_decided_by == "together"
        else "Engage"
    )
''',
    "q3_answer": '''
def tally(frame, department):
    rows = frame.loc[frame.department == department]
    return pd.Series([int((rows.spectrum_type == t).sum()) for t in SPECTRUM], index=SPECTRUM)
''',
    "q4_answer": '''
def doing_with_share(frame):
    total = len(frame)
    hits = sum(1 for t in frame["spectrum_type"] if t in ("Co-design", "Co-produce"))
    return hits / total if total else 0.0
''',
    "q5_answer": '''
def overlabelled_ids(frame):
    ids = []
    for row in frame.itertuples():
        if SPECTRUM.index(row.label) > SPECTRUM.index(row.spectrum_type):
            ids.append(row.activity_id)
    return sorted(ids)
''',
}

# Right on parts 1, 3 and 5; wrong on 2 (calls a late consultation Consult)
# and 4 (counts labels, not criteria).
PARTLY_WRONG = {
    "q1_answer": ALTERNATIVE["q1_answer"],
    "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    if answer_sought == "none":
        return "Inform"
    if answer_sought == "yes or no":
        return "Consult"
    if decision_made or answer_sought == "understanding":
        return "Educate"
    if objective_set_by == "together":
        return "Co-produce"
    if method_decided_by == "together":
        return "Co-design"
    return "Engage"
''',
    "q3_answer": ALTERNATIVE["q3_answer"],
    "q4_answer": '''
def doing_with_share(frame):
    return float(frame["label"].isin(["Co-design", "Co-produce"]).mean())
''',
    "q5_answer": ALTERNATIVE["q5_answer"],
}

# Written to satisfy the visible checks only: constants and lookups.
HARD_CODED = {
    "q1_answer": '''
SPECTRUM = ["Inform", "Educate", "Consult", "Engage", "Co-design", "Co-produce"]


def order_types(names):
    return ["Inform", "Engage", "Co-design"]
''',
    "q2_answer": '''
def classify_activity(decision_made, answer_sought, objective_set_by, method_decided_by):
    known = {
        (True, "none"): "Inform",
        (False, "yes or no"): "Consult",
        (True, "yes or no"): "Educate",
        (False, "open views"): "Co-design",
    }
    return known.get((decision_made, answer_sought), "Engage")
''',
    "q3_answer": '''
def tally(frame, department):
    return pd.Series([10, 3, 2, 0, 0, 0], index=SPECTRUM)
''',
    "q4_answer": '''
def doing_with_share(frame):
    return 23 / 90
''',
    "q5_answer": '''
from coproduction.ladder import overlabelled as _reference


def overlabelled_ids(frame):
    return %s
''',
}

WRITTEN = (
    "The council keeps the objective but decides how with a small group of carers over several "
    "sessions, opens the decision, shares budgets and pays people for their time."
)


def _solution_answers() -> dict[str, str]:
    """The instructor's answers, with nbgrader's solution markers removed."""
    answers = {}
    for cell in read_nb(LADDER_SOURCE).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            answers[meta["grade_id"]] = "\n".join(
                line for line in cell.source.splitlines() if "### BEGIN SOLUTION" not in line
                and "### END SOLUTION" not in line
            )
    return answers


def _hard_coded_answers() -> dict[str, str]:
    # The learner pasted the visible answer (26 ids) they saw when validating.
    from coproduction.data import load
    from coproduction.ladder import overlabelled

    ids = sorted(overlabelled(load("engagement_activities"))["activity_id"])
    return {**HARD_CODED, "q5_answer": HARD_CODED["q5_answer"] % repr(ids)}


SUBMISSIONS = {
    # learner id: (answers by grade_id, autograded parts expected to pass)
    "solution": (_solution_answers, {"q1_tests", "q2_tests", "q3_tests", "q4_tests", "q5_tests"}),
    "alternative": (lambda: ALTERNATIVE, {"q1_tests", "q2_tests", "q3_tests", "q4_tests", "q5_tests"}),
    "partly-wrong": (lambda: PARTLY_WRONG, {"q1_tests", "q3_tests", "q5_tests"}),
    "blank": (dict, set()),
    "hard-coded": (_hard_coded_answers, set()),
}


def _fill(release: Path, answers: dict[str, str], written: str | None, dest: Path) -> None:
    nb = read_nb(release)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id].strip("\n")
        elif grade_id == "q6_answer" and written:
            cell.source = written
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A course copy with every simulated learner submitted and autograded."""
    course = copy_course(tmp_path_factory.mktemp("grading") / "course")
    nbgrader("generate_assignment", "ladder", "--force", cwd=course)
    release = course / "exercises" / "ladder" / "ladder.ipynb"
    for learner, (answers, _) in SUBMISSIONS.items():
        written = None if learner == "blank" else WRITTEN
        _fill(release, answers(), written,
              course / ".nbgrader" / "submitted" / learner / "ladder" / "ladder.ipynb")
    nbgrader("autograde", "ladder", "--force", cwd=course)
    scores = {}
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        for learner in SUBMISSIONS:
            submission = gb.find_submission("ladder", learner)
            scores[learner] = {
                "total": submission.score,
                "max": submission.max_score,
                "grades": {g.name: (g.auto_score, g.needs_manual_grade) for g in submission.notebooks[0].grades},
            }
    return course, scores


def _points() -> dict[str, float]:
    return {gid: meta["points"] for gid, meta in grade_ids(read_nb(LADDER_SOURCE)).items() if meta.get("grade")}


def test_exercise_shape() -> None:
    meta = grade_ids(read_nb(LADDER_SOURCE))
    autograded = [g for g, m in meta.items() if m.get("grade") and not m.get("solution")]
    manual = [g for g, m in meta.items() if m.get("grade") and m.get("solution")]
    assert len(autograded) >= 5, "at least five autograded parts"
    assert len(manual) >= 1, "at least one written answer"
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in read_nb(LADDER_SOURCE).cells
               if "nbgrader" in c.metadata}
    for grade_id in autograded:
        source = sources[grade_id]
        assert source.startswith('"""'), f"{grade_id}: a test cell starts with a docstring"
        assert "### BEGIN HIDDEN TESTS" in source, f"{grade_id} has no hidden tests"
        visible = source.split("### BEGIN HIDDEN TESTS")[0]
        bare = [line for line in visible.splitlines() if line.startswith("assert ") and "," not in line
                and not line.rstrip().endswith("(")]
        assert not bare, f"{grade_id}: every visible assert carries a message: {bare}"


@pytest.mark.parametrize("learner", list(SUBMISSIONS))
def test_autograde_scores_follow_from_each_submission(graded: tuple[Path, dict], learner: str) -> None:
    _, scores = graded
    points = _points()
    expected_parts = SUBMISSIONS[learner][1]
    result = scores[learner]
    for grade_id, (auto_score, _) in result["grades"].items():
        if grade_id.endswith("_tests"):
            want = points[grade_id] if grade_id in expected_parts else 0.0
            assert auto_score == want, f"{learner}: {grade_id} scored {auto_score}, expected {want}"
    assert result["total"] == sum(points[g] for g in expected_parts)
    assert result["max"] == sum(points.values())


def test_written_answers_wait_for_a_trainer(graded: tuple[Path, dict]) -> None:
    course, scores = graded
    assert scores["solution"]["grades"]["q6_answer"][1] is True, "a written answer needs manual grading"
    # A trainer marks it through nbgrader's gradebook, as Formgrader does.
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        grade = gb.find_grade("q6_answer", "ladder", "ladder", "solution")
        grade.manual_score = 3
        gb.db.commit()
        total = gb.find_submission("ladder", "solution").score
    assert total == sum(p for g, p in _points().items() if g.endswith("_tests")) + 3


def test_autograded_copies_keep_the_instructors_tests(graded: tuple[Path, dict]) -> None:
    course, _ = graded
    copy = read_nb(course / ".nbgrader" / "autograded" / "hard-coded" / "ladder" / "ladder.ipynb")
    failed = [c for c in copy.cells if c.metadata.get("nbgrader", {}).get("grade")
              and any(o.output_type == "error" for o in c.get("outputs", []))]
    assert len(failed) == 5, "each hard-coded part fails its hidden tests"


def test_exercises_equal_a_fresh_release(tmp_path: Path) -> None:
    course = copy_course(tmp_path / "course")
    for name in assignments(course):
        for notebook in (course / "exercises" / name).glob("*.ipynb"):
            notebook.unlink()
        nbgrader("generate_assignment", name, "--force", cwd=course)
        for fresh in (course / "exercises" / name).glob("*.ipynb"):
            committed = ROOT / "exercises" / name / fresh.name
            assert committed.is_file(), f"{committed} is missing: run make release"
            assert read_nb(fresh) == read_nb(committed), f"{committed} is stale: run make release"


LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "Model answer and mark scheme")


def test_no_solution_or_hidden_test_in_exercises() -> None:
    source_lines = set()
    for cell in read_nb(LADDER_SOURCE).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or meta.get("grade"):
            hidden = re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)(.*?)### END", cell.source, re.S)
            body = hidden if cell.cell_type == "code" else [cell.source]
            source_lines |= {line.strip() for chunk in body for line in chunk.splitlines()
                             if len(line.strip()) > 25}
    for path in (ROOT / "exercises").rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        for marker in LEAK_MARKERS:
            assert marker not in text, f"{path} contains {marker!r}"
        released = {line.strip() for cell in read_nb(path).cells for line in cell.source.splitlines()}
        leaked = source_lines & released
        assert not leaked, f"{path} contains solution or hidden-test lines: {sorted(leaked)[:3]}"


@pytest.mark.parametrize(
    ("learner", "outcome"),
    [
        ("blank", "VALIDATION FAILED ON 5 CELL(S)"),
        ("partly-wrong", "VALIDATION FAILED ON 2 CELL(S)"),
        ("alternative", "Success! Your notebook passes all the tests."),
    ],
)
def test_validate_reports_what_a_learner_sees(tmp_path: Path, learner: str, outcome: str) -> None:
    """What the Validate button shows: nbgrader's validator on the learner's copy."""
    course = copy_course(tmp_path / "course")
    answers, _ = SUBMISSIONS[learner]
    notebook = course / "exercises" / "ladder" / "ladder.ipynb"
    _fill(LADDER_RELEASE, answers(), WRITTEN, notebook)
    result = nbgrader("validate", str(notebook), cwd=notebook.parent, check=False)
    report = result.stdout + result.stderr
    assert outcome in report, report[-2000:]
    if learner == "partly-wrong":
        # The learner is told which check failed and why, in the module's words.
        assert "should be 'Educate'" in report or "gave 'Consult'" in report
        assert "Use 'spectrum_type', not 'label'" in report
