"""The course on JupyterHub, end to end, with a PostgreSQL gradebook (issue 20).

The hub runs from ``deploy/hub/jupyterhub_config.py`` as ``make hub`` runs
it. Three learners work through their own JupyterLab servers, as the
Assignments panel does (the same REST calls): each fetches ``ladder``;
``ada`` submits the model answers, ``ben`` a partly wrong notebook, ``cy``
nothing (the trainer hands out all five). The trainer collects from the exchange, autogrades in the sandbox
into PostgreSQL, writes feedback and returns it; each learner fetches their
own. The same notebooks graded into SQLite give the same scores. Everything
started is stopped, and checked stopped.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.exchange import hand_out, return_feedback
from coproduction.cohort.feedback import write_feedback
from coproduction.cohort.grade import Settings, autograde
from coproduction.cohort.sandbox import available
from coproduction.cohort.standing import number
from coproduction.cohort.workspace import COURSE_ID
from coproduction.hub.home import COURSE_FOLDER
from coproduction.hub.server import Hub
from coproduction.progress import exercise_progress

from .submissions import fill
from .submissions.cohort import ASSIGNMENTS, points

pytestmark = pytest.mark.slow

#: Who does what with ladder.
LEARNERS = {"ada": "solution", "ben": "partly-wrong", "cy": None}
ASSIGNMENT = "ladder"



def _act(hub: Hub, learner: str, token: str, action: str) -> object:
    """What pressing Fetch, Submit or Fetch Feedback in the Assignments panel asks the learner's server."""
    return hub.request("POST", f"/user/{learner}/assignments/{action}", token=token,
                       body={"course_id": COURSE_ID, "assignment_id": ASSIGNMENT})


@pytest.fixture(scope="module")
def hub_run(tmp_path_factory: pytest.TempPathFactory, postgres):
    if not available():
        pytest.skip("bubblewrap cannot run here: grading on the hub uses the sandbox (apt-get install bubblewrap)")
    base = tmp_path_factory.mktemp("hub")
    hub = Hub(base / "hub", port=0, learners=tuple(LEARNERS), trainers=("trainer",))
    hub.start()
    try:
        roster = base / "roster.csv"
        roster.write_text("id\n" + "".join(f"{name}\n" for name in LEARNERS), encoding="utf-8")
        ws = create_cohort(base / "workspace", roster, Path(__file__).resolve().parents[1],
                           postgres.create_database("hub"), exchange=hub.state / "exchange")
        hand_out(ws)  # all five
        tokens = {name: hub.user_token(name) for name in LEARNERS}
        listed, fetched = {}, {}
        with ThreadPoolExecutor(max_workers=len(LEARNERS)) as pool:  # a class arrives together
            list(pool.map(hub.start_server, LEARNERS))
        for name, kind in LEARNERS.items():
            listed[name] = hub.request("GET", f"/user/{name}/assignments?course_id={COURSE_ID}", token=tokens[name])
            _act(hub, name, tokens[name], "fetch")
            fetched[name] = hub.state / "home" / name / COURSE_FOLDER / "my-work" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            if kind is None:
                continue
            spec = ASSIGNMENTS[ASSIGNMENT].learners[kind]
            work = fill(fetched[name], spec.answers(), ASSIGNMENTS[ASSIGNMENT].written if spec.written else {})
            path = urllib.parse.quote(f"my-work/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
            hub.request("PUT", f"/user/{name}/api/contents/{path}", token=tokens[name],  # the learner saves
                        body={"type": "notebook", "format": "json", "content": work})
            _act(hub, name, tokens[name], "submit")
        found = collect(ws, ASSIGNMENT)
        rows = {r.learner: r for r in autograde(ws, [ASSIGNMENT], Settings(workers=2, sandbox="required"))}
        write_feedback(ws, [ASSIGNMENT])
        returned, skipped = return_feedback(ws, [ASSIGNMENT])
        for name in LEARNERS:
            _act(hub, name, tokens[name], "fetch_feedback")
        yield {"hub": hub, "ws": ws, "found": found, "rows": rows, "returned": returned, "skipped": skipped,
               "listed": listed, "fetched": fetched, "base": base}
    finally:
        hub.stop()
    assert not hub.leftovers(), "the hub, its proxy or a learner's server is still running"


def _expected(kind: str) -> float:
    table = points(ASSIGNMENT)
    return sum(table[part] for part in ASSIGNMENTS[ASSIGNMENT].learners[kind].passes)


def test_each_learner_fetches_the_handed_out_assignment_into_their_own_copy(hub_run) -> None:
    for name in LEARNERS:
        listed = hub_run["listed"][name]
        assert listed["success"], listed
        released = {a["assignment_id"] for a in listed["value"] if a["status"] == "released"}
        assert released == set(hub_run["ws"].assignments), "every assignment is in the Assignments panel"
        assert hub_run["fetched"][name].is_file(), f"{name} has no copy in my-work/"
    # Their own copy, where make lab puts it: the progress page reads it as on a laptop.
    course = hub_run["hub"].state / "home" / "ada" / COURSE_FOLDER
    progress = exercise_progress(course, ASSIGNMENT)
    assert progress.core[0] == progress.core[1] > 0, "ada's saved model answers all pass on her progress page"
    # The same command as on a laptop, in a Terminal in her server (its PATH has the course's Python).
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    made = subprocess.run(["make", "progress"], cwd=course, env=env, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    assert (course / "my-work" / "my-progress.html").is_file()


def test_the_trainer_collects_from_the_exchange_and_grades_into_postgresql(hub_run) -> None:
    assert sorted(hub_run["found"].filed) == ["ada", "ben"] and hub_run["found"].nothing == ["cy"]
    ws = hub_run["ws"]
    assert ws.db_url.startswith("postgresql")
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        for name, kind in LEARNERS.items():
            if kind is None:
                assert not gb.find_student(name).submissions
                continue
            assert gb.find_submission(ASSIGNMENT, name).score == _expected(kind), name
            assert hub_run["rows"][name].score == _expected(kind)


def test_each_learner_fetches_their_own_feedback(hub_run) -> None:
    ws = hub_run["ws"]
    assert hub_run["returned"] == 2 and not hub_run["skipped"]
    for name, kind in LEARNERS.items():
        fetched = sorted((hub_run["fetched"][name].parent / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        if kind is None:
            assert not fetched, "cy submitted nothing and has no feedback"
            continue
        assert len(fetched) == 1, name
        assert fetched[0].read_bytes() == (ws.feedback(name, ASSIGNMENT) / f"{ASSIGNMENT}.html").read_bytes()
        page = fetched[0].read_text(encoding="utf-8")
        assert f"Score: <strong>{number(_expected(kind))} of " in page, f"{name} reads their own score"


def test_postgresql_holds_the_same_scores_as_sqlite_for_the_same_notebooks(hub_run) -> None:
    base = hub_run["base"]
    roster = base / "roster.csv"
    ws = create_cohort(base / "sqlite-workspace", roster, Path(__file__).resolve().parents[1])
    collect(ws, ASSIGNMENT, hub_run["ws"].root / "submitted")  # the same notebooks, from a folder
    autograde(ws, [ASSIGNMENT], Settings(workers=2, sandbox="required"))
    scores = {}
    for workspace in (hub_run["ws"], ws):
        with Gradebook(workspace.db_url, COURSE_ID) as gb:
            scores[workspace.db_url.split(":")[0]] = {
                (s.student_id, s.name, g.name): (g.auto_score, g.max_score)
                for s in gb.assignment_submissions(ASSIGNMENT) for nb in s.notebooks for g in nb.grades}
    assert scores["sqlite"] and scores["sqlite"] == scores["postgresql+psycopg"]


def test_a_learner_cannot_read_the_exchange_for_others(hub_run) -> None:
    feedback = hub_run["hub"].state / "exchange" / COURSE_ID / "feedback"
    assert oct(feedback.stat().st_mode & 0o777) == oct(0o711), "the feedback folder must not be listable"
    assert nbformat.read(hub_run["fetched"]["cy"], as_version=4).cells, "cy's fetched copy is a notebook"
