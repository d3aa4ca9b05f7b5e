"""The trainers' cohort pipeline, end to end, on a synthetic cohort.

41 learners over every assignment (see ``tests/submissions/cohort.py``):
correct, alternative-correct, partly wrong, blank and hard-coded work, every
kind of bad submission the pipeline must survive, and malicious ones. Each
learner's status and score follow from what their submission does. On
PostgreSQL the sparse cohort runs: the same bad, malicious and attacking
submissions, with the standard work of three learners (see ``COHORTS``).
"""

from __future__ import annotations

import argparse
import base64
import csv
import html
import io
import logging
import json
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.cli import build_parser, main
from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.export import COLUMNS as EXPORT_COLUMNS
from coproduction.cohort.export import export_grades, pseudonym
from coproduction.cohort.feedback import write_feedback
from coproduction.cohort.grade import Settings, autograde
from coproduction.cohort.prepare import Unreadable, read_notebook
from coproduction.cohort.settings import GRACES
from coproduction.cohort.report import write_report
from coproduction.cohort.sandbox import available
from coproduction.cohort.workspace import COURSE_ID, CohortError, Workspace, read_roster
from coproduction.nbgrader_tools import LEAK_MARKERS, secret_lines

from .conftest import GRADEBOOKS, ROOT, gradebook_url, logged
from .submissions import cohort as synthetic
from .submissions import questions as synthetic_questions
from .submissions import error_text, wrong_message, wrong_options

TIMEOUT = 5.0
SANDBOXED = Settings(workers=2, timeout=TIMEOUT, sandbox="required")


# Fast checks -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nAnn\n", "needs an 'id' column"),
        ("id\nL01\nL02\nl01\n", "row 4: id 'l01' duplicates row 2"),
        ("id\nL01\n../etc\n", "row 3: id '../etc' must be 1-64 letters"),
        ("id,first_name\n,Ann\nL02,Bob\n", "row 2: the id is empty"),
        ("id,phone\nL01,123\n", "unknown column 'phone'"),
        ("id\n", "there are no learners in it"),
    ],
)
def test_roster_problems_are_named_by_row(tmp_path: Path, text: str, message: str) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(text, encoding="utf-8")
    with pytest.raises(CohortError) as err:
        read_roster(roster)
    assert message in str(err.value)


def test_roster_reports_every_problem_at_once_and_reads_bom_and_names(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nL01\nL01\nbad id\n", encoding="utf-8")
    with pytest.raises(CohortError, match=r"2 problem\(s\)"):
        read_roster(roster)
    roster.write_bytes("\ufeffid,first_name\nL01,Ann\n".encode("utf-8"))
    assert read_roster(roster)[0].first_name == "Ann"
    roster.write_bytes(b"id\nL\xe901\n")
    with pytest.raises(CohortError, match="not UTF-8"):
        read_roster(roster)


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"", "unreadable", "is empty"),
        (b"\xff\xfe{}", "unreadable", "is not UTF-8"),
        (b'{"cells": [', "unreadable", "not valid notebook JSON (line 1"),
        (b'{"cells": "no"}', "unreadable", "not a valid notebook"),
    ],
)
def test_unreadable_notebooks_say_why(tmp_path: Path, content: bytes, status: str, words: str) -> None:
    path = tmp_path / "ladder.ipynb"
    path.write_bytes(content)
    with pytest.raises(Unreadable) as err:
        read_notebook(path)
    assert err.value.status == status and words in err.value.message


def _commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, argparse.ArgumentParser]]:
    """Every command and subcommand the parser knows, with its one-line summary."""
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            summaries = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found += [(path + (name,), summaries.get(name, ""), sub), *_commands(sub, path + (name,))]
    return found


def test_every_command_says_what_it_does_and_what_each_argument_is(capsys: pytest.CaptureFixture[str]) -> None:
    commands = _commands(build_parser())
    assert len(commands) >= 11
    for path, summary, sub in commands:
        assert summary, f"coproduction {' '.join(path)} has no summary in --help"
        unexplained = [a.dest for a in sub._actions if not a.help and not isinstance(a, argparse._SubParsersAction)]
        assert not unexplained, f"coproduction {' '.join(path)}: no help for {unexplained}"
        with pytest.raises(SystemExit) as done:
            build_parser().parse_args([*path, "--help"])
        assert done.value.code == 0
        shown = capsys.readouterr().out
        assert f"usage: coproduction {' '.join(path)}" in shown, path


def test_cli_errors_are_messages_not_tracebacks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", str(tmp_path)]) == 2
    assert "is not a cohort workspace" in capsys.readouterr().err


def test_a_gradebook_url_is_said_without_its_user_or_password() -> None:
    from coproduction.cohort.collect import _where

    said = _where("postgresql+psycopg://grader:s3cret@db.trust.nhs.uk:5432/gradebook")
    assert said == "postgresql+psycopg://db.trust.nhs.uk:5432/gradebook"


def test_pseudonyms_are_stable_distinct_and_keyed() -> None:
    assert pseudonym("L01", "k") == pseudonym("L01", "k") != pseudonym("L02", "k")
    assert pseudonym("L01", "k") != pseudonym("L01", "other key")
    assert "L01" not in pseudonym("L01", "k")


@pytest.mark.slow
def test_a_cohort_on_a_database_server_records_what_nbgrader_generated(tmp_path: Path, postgres, release: Path) -> None:
    """``cohort create --db`` records each assignment, notebook and cell in the
    server's gradebook exactly as nbgrader's generate_assignment recorded them
    in the generated gradebook (copied through nbgrader's API, not generated again)."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nA1\nA2\n", encoding="utf-8")
    url = postgres.create_database("recorded")
    create_cohort(tmp_path / "workspace", roster, ROOT, url).close()

    def recorded(db_url: str) -> set[tuple]:
        with Gradebook(db_url, COURSE_ID) as gb:
            return {(a.name, a.duedate, nb.name, nb.kernelspec, kind, *sorted((k, str(v)) for k, v in c.to_dict().items() if k != "id"))
                    for a in gb.assignments for nb in a.notebooks
                    for kind in ("grade_cells", "solution_cells", "task_cells", "source_cells") for c in getattr(nb, kind)}

    generated = recorded(f"sqlite:///{release / 'gradebook.db'}")
    assert {row[0] for row in generated} == set(synthetic.ASSIGNMENTS) and len(generated) > 100
    assert recorded(url) == generated
    with Gradebook(url, COURSE_ID) as gb:
        assert sorted(s.id for s in gb.students) == ["A1", "A2"]


# The synthetic cohort, end to end -----------------------------------------------------------------

class _Listener:
    """A local TCP server that counts connections (the malicious learners try it)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


#: The synthetic cohort on each gradebook: on SQLite, where a trainer
#: starts, the whole cohort (41 learners, 200 submissions: the size the
#: cohort pipeline was built for, with a learner for every wrong option of
#: every part); on PostgreSQL, where what differs is how grades are stored,
#: the sparse cohort: every bad, malicious and attacking submission, and
#: every standard kind from three standard learners (41 submissions).
COHORTS = {"sqlite": {"learners": 41}, "postgresql": {"learners": synthetic.SPARSE, "sparse": True}}
WHOLE = pytest.mark.parametrize("cohort", ["sqlite"], indirect=True)  # tests that need the whole cohort


@pytest.fixture(scope="module", params=GRADEBOOKS)
def cohort(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    if not available():
        pytest.skip("bubblewrap cannot run here: the cohort tests need the sandbox (apt-get install bubblewrap)")
    base = tmp_path_factory.mktemp("cohort")
    token = base.name
    listener = _Listener()
    workspace_path = base / "workspace"
    db_url = gradebook_url(request, "cohort")
    built = synthetic.build(ROOT, workspace_path, listener.port, token, gradebook=db_url, **COHORTS[request.param])
    roster = base / "roster.csv"
    roster.write_text(synthetic.roster_csv(built), encoding="utf-8")
    ws = create_cohort(workspace_path, roster, ROOT, db_url)
    collected = {}
    for name in ws.assignments:
        archive = base / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for submission in built.submissions:
                if submission.assignment == name:
                    zipped.writestr(synthetic.lms_name(submission), submission.content)
            zipped.writestr(f"{name}/stranger_upload.ipynb", b"{}")
            zipped.writestr(f"{name}/__MACOSX/._junk", b"")
        collected[name] = collect(ws, name, archive)
    started = time.monotonic()
    with logged(logging.WARNING) as log:
        rows = autograde(ws, settings=SANDBOXED)
    seconds = time.monotonic() - started
    yield {"gradebook": request.param, "ws": ws, "built": built, "rows": rows, "collected": collected, "listener": listener, "token": token,
           "log": log, "seconds": seconds}
    ws.close()
    (ROOT / f"PWNED-{token}").unlink(missing_ok=True)


@pytest.mark.slow
def test_collect_files_every_upload_and_reports_the_rest(cohort) -> None:
    built = cohort["built"]
    for name, found in cohort["collected"].items():
        assert any("stranger_upload.ipynb: no roster id" in u for u in found.unmatched), found.unmatched
        assert found.nothing == built.absent(name)
        missing = [s.learner for s in built.submissions if s.assignment == name and s.kind == "missing"]
        assert sorted(found.no_notebook) == missing
    assert not cohort["log"], "the sandbox was on, so there was no warning"


@pytest.mark.slow
def test_every_learner_gets_the_status_and_score_their_submission_earns(cohort) -> None:
    ws: Workspace = cohort["ws"]
    graded = {(r.learner, r.assignment): r for r in cohort["rows"]}
    built = cohort["built"]
    assert len(built.roster) == COHORTS[cohort["gradebook"]]["learners"] and len(graded) == len(built.submissions)
    kinds = {s.kind for s in built.submissions}
    assert set(synthetic.SPECIAL_KINDS) | set(synthetic.STANDARD) <= kinds
    wrong = []  # every learner's problem at once: one run of the cohort shows them all
    for (learner, assignment), submission in built.expected().items():
        row = graded[(learner, assignment)]
        where = f"{learner}/{assignment} ({submission.kind})"
        if row.status != submission.expect.status:
            wrong.append(f"{where}: {row.status} {row.detail} {row.notes}")
        if row.score != synthetic.score(submission):
            wrong.append(f"{where}: scored {row.score}, not {synthetic.score(submission)}")
        for words in submission.expect.notes:
            if not (any(words in note for note in row.notes) or words in row.detail):
                wrong.append(f"{where}: {words!r} not in {row.detail} {row.notes}")
        if submission.expect.evidence:
            copy = ws.autograded(learner, assignment) / f"{assignment}.ipynb"
            text = json.dumps([c.get("outputs", []) for c in nbformat.read(copy, as_version=4).cells])
            wrong += [f"{where}: {words!r} not in its outputs" for words in submission.expect.evidence
                      if words not in text]
    assert not wrong, "\n".join(wrong)
    assert all(ws.status(s, a).status == "not submitted" for s in built.silent for a in ws.assignments)


@pytest.mark.slow
@WHOLE
def test_every_wrong_option_fails_with_its_own_message(cohort) -> None:
    """Each wrong option of each core part, graded, fails with the message its
    author wrote for that option (the cohort has a learner per wrong option),
    and no two options of a part share a message."""
    ws: Workspace = cohort["ws"]
    missing, seen = [], set()
    for submission in cohort["built"].submissions:
        if not submission.kind.startswith("wrong-"):
            continue
        k = int(submission.kind.removeprefix("wrong-")) - 1
        name = submission.assignment
        copy = nbformat.read(ws.autograded(submission.learner, name) / f"{name}.ipynb", as_version=4)
        cells = {c.metadata["nbgrader"]["grade_id"]: c for c in copy.cells if "grade_id" in c.metadata.get("nbgrader", {})}
        for question in synthetic_questions(name).values():
            options = wrong_options(question)
            if k >= len(options):
                continue
            seen.add((name, question.name, k))
            message = " ".join(wrong_message(question, options[k]).split())
            tests = "q" + question.title.split()[-1] + "_tests"
            if message not in error_text(cells[tests]):
                missing.append(f"{name} {question.name} = {options[k]!r}: {message[:50]!r} not in "
                               f"{error_text(cells[tests])[:200]!r}")
    assert not missing, "\n".join(missing)
    for name in synthetic.ASSIGNMENTS:
        for question in synthetic_questions(name).values():
            said = [wrong_message(question, value) for value in wrong_options(question)]
            assert len(set(said)) == len(said), f"{question.name}: two wrong options share a message"
            assert {(name, question.name, k) for k in range(len(said))} <= seen, f"{question.name}: an option untried"


@pytest.mark.slow
def test_outputs_are_limited_and_timeouts_cost_no_more_than_the_limit(cohort) -> None:
    ws: Workspace = cohort["ws"]
    for submission in cohort["built"].submissions:
        copy = ws.autograded(submission.learner, submission.assignment) / f"{submission.assignment}.ipynb"
        if copy.exists():
            assert copy.stat().st_size < 1_000_000, f"{submission.kind}: {copy.stat().st_size} bytes"
    slow = [r for r in cohort["rows"] if r.status == "timeout"]
    assert slow and all(r.seconds < TIMEOUT + GRACES.interrupt + 2 for r in slow)


@pytest.mark.slow
def test_gradebook_is_consistent_with_every_status(cohort) -> None:
    ws: Workspace = cohort["ws"]
    built = cohort["built"]
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        assert sorted(s.id for s in gb.students) == sorted(built.roster)
        for row in ws.statuses():
            if row.status == "not submitted":
                continue
            submission = gb.find_submission(row.assignment, row.learner)
            grades = submission.notebooks[0].grades
            assert submission.score == row.score
            assert abs(sum(g.score for g in grades) - submission.score) < 1e-9
            assert {g.name for g in grades} == set(synthetic.points(row.assignment))
        for learner in built.silent:
            assert not gb.find_student(learner).submissions


@pytest.mark.slow
def test_malicious_submissions_reach_nothing(cohort) -> None:
    ws: Workspace = cohort["ws"]
    assert cohort["listener"].connections == 0, "a submission reached the network"
    assert not (ROOT / f"PWNED-{cohort['token']}").exists(), "a submission wrote into the course"
    if ws.db_url.startswith("sqlite:"):
        with sqlite3.connect(ws.root / "gradebook.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    else:  # the thief tried the server's socket: it exists, outside the sandbox
        assert list(Path(ws.db_url.rpartition("host=")[2]).glob(".s.PGSQL.*"))
    for submission in cohort["built"].submissions:
        if submission.kind in synthetic.MALICIOUS_KINDS:
            copy = ws.autograded(submission.learner, submission.assignment) / f"{submission.assignment}.ipynb"
            outputs = json.dumps([c.get("outputs", []) for c in nbformat.read(copy, as_version=4).cells])
            assert "BLOCKED" in outputs and "ATTACK SUCCEEDED" not in outputs, submission.kind


class _Live(HTMLParser):
    """Everything in a page that a browser would run or fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        policy = dict(attrs).get("http-equiv") == "Content-Security-Policy" and (
            "default-src 'none'" in (dict(attrs).get("content") or ""))  # the page's own: it allows no script
        if tag in {"script", "iframe", "object", "embed", "link", "meta"} and not (
                tag == "meta" and ({a for a, _ in attrs} <= {"charset", "name", "content"} or policy)):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(("javascript:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")
            if tag == "img" and name == "src" and not (value or "").startswith("data:image/png;base64,"):
                self.found.append(f"img src={value}")
            if tag == "img" and name == "src" and (value or "").startswith("data:image/png;base64,"):
                raw = base64.b64decode((value or "").split(",", 1)[1], validate=True)
                if not raw.startswith(b"\x89PNG"):
                    self.found.append("img that is not a PNG")


@pytest.mark.slow
def test_feedback_never_contains_hidden_tests_solutions_or_live_content(cohort) -> None:
    ws: Workspace = cohort["ws"]
    pages = write_feedback(ws)
    written = pages.changed + pages.unchanged
    graded = [r for r in ws.statuses() if r.status in {"graded", "blank", "needs review", "timeout", "crashed"}]
    assert len(written) == len(graded) and not pages.problems, pages.problems
    hidden = secret_lines(ROOT, solutions=False)
    everything = secret_lines(ROOT)
    kinds = {(s.learner, s.assignment): s.kind for s in cohort["built"].submissions}
    for path in written:
        page = path.read_text(encoding="utf-8")
        assert not [m for m in LEAK_MARKERS if m in page], path
        assert not [line for line in hidden if line in page], f"{path}: shows a hidden test or model answer"
        learner, assignment = path.parts[-3], path.parts[-2]
        if kinds[(learner, assignment)] in {"blank", "exfiltrate"}:  # wrote no solution line of their own
            assert not [line for line in everything if line in page], f"{path}: shows a solution"
        live = _Live()
        live.feed(page)
        assert not live.found, f"{path}: {live.found}"
        assert "Score: <strong>" in page
    partly = next(p for p in written if kinds[(p.parts[-3], p.parts[-2])] == "partly-wrong")
    assert "Not passed" in partly.read_text(encoding="utf-8")
    hard_coded = next(p for p in written if kinds[(p.parts[-3], p.parts[-2])] == "hard-coded").read_text()
    assert "a further check on other data did not pass" in hard_coded and "Revisit module" in hard_coded
    for path in written:  # learners read plain words, never a programmer's error
        kind = kinds[(path.parts[-3], path.parts[-2])]
        page = " ".join(html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))).split())
        if kind in {"blank", "core-only", "wrong-1", "partly-wrong", "alternative", "solution"}:
            for word in ("NameError", "NotImplementedError", "Traceback", "NotAnswered:", "NotRight:"):
                assert word not in page, f"{path} ({kind}) shows {word!r}"
        if kind == "blank":
            assert page.count("not answered yet") >= 5 and "Core track: 0 of 5" in page, path
        if kind == "core-only":
            assert "Core track: 5 of 5 parts passed; that completes" in page and "Not attempted" in page, path
        if kind == "wrong-1":
            assert "not right yet" in page and "Reread module" in page, path


@pytest.mark.slow
def test_one_failing_feedback_page_does_not_stop_the_others(cohort, monkeypatch: pytest.MonkeyPatch) -> None:
    from coproduction.cohort import feedback

    ws: Workspace = cohort["ws"]
    real = feedback.render_feedback
    victim = next(r.learner for r in ws.statuses(["ladder"]) if r.status == "graded")

    def broken(nb, released, row, title, secrets=frozenset(), marks=()):  # type: ignore[no-untyped-def]
        if row.learner == victim:
            raise RuntimeError("a page that cannot be made")
        return real(nb, released, row, title, secrets, marks)

    monkeypatch.setattr(feedback, "render_feedback", broken)
    with logged(logging.WARNING) as said:
        pages = write_feedback(ws, ["ladder"])
    written = pages.changed + pages.unchanged
    assert pages.problems == [f"No feedback written for {victim}/ladder: a page that cannot be made"]
    assert said == pages.problems, "and each is logged"
    assert written and all(p.parts[-3] != victim for p in written)


@pytest.mark.slow
def test_report_and_export(cohort, tmp_path: Path) -> None:
    ws: Workspace = cohort["ws"]
    built = cohort["built"]
    page = write_report(ws, tmp_path / "report.html").read_text(encoding="utf-8")
    for heading in ("Score distribution per assignment", "Where the cohort struggles", "Completion by learner",
                    "Written answers waiting for a trainer", "Submissions that could not be graded to the end"):
        assert heading in page
    assert page.count('<img src="data:image/png;base64,') == 2 and 'alt="Dot plot of each graded learner' in page
    sent_nothing = sum(len(built.absent(a)) for a in ws.assignments) + sum(1 for s in built.submissions if s.kind == "missing")
    assert f"Not shown: {sent_nothing} not submitted" in page
    assert "Part 1: " in page and "q1_tests" not in page, "parts are named as the exercise names them"
    assert "timeout: " in page and "Submissions that need a trainer" in page
    assert "channel" in page.split("need a trainer")[1]
    grades = list(csv.DictReader(io.StringIO(export_grades(ws, tmp_path / "g.csv").read_text())))
    assert len(grades) == len(built.roster) * len(ws.assignments)
    assert tuple(grades[0]) == EXPORT_COLUMNS
    flagged = {(r.learner, r.assignment) for r in ws.statuses() if r.status == "needs review"}
    assert flagged and {(g["learner"], g["assignment"]) for g in grades if g["status"] == "needs review"} == flagged
    recorded = {(r.learner, r.assignment): r.score for r in ws.statuses() if r.score is not None}
    for g in grades:
        if g["score"] == "":
            assert g["status"] in {"not submitted", "not collected yet"}, f"only what was never sent has no score: {g}"
        else:
            assert float(g["score"]) == recorded[(g["learner"], g["assignment"])], g
        assert not any(v.endswith(".0") for v in g.values()), f"scores are written as people write them: {g}"
    silent = [g for g in grades if g["learner"] in built.silent]
    assert silent and all(g["status"] == "not submitted" and g["score"] == "" for g in silent)
    first = export_grades(ws, tmp_path / "p1.csv", pseudonymise=True).read_text()
    again = export_grades(ws, tmp_path / "p2.csv", pseudonymise=True).read_text()
    assert first == again and not any(learner in first for learner in built.roster)
    names = list(dict.fromkeys(line.split(",")[0] for line in first.splitlines()[1:]))
    assert names == sorted(names), "rows are sorted by pseudonym"
    in_roster_order = [pseudonym(learner, ws.pseudonym_key) for learner in built.roster]
    assert names != in_roster_order, "the pseudonymised order must not give away the roster's"


@pytest.mark.slow
def test_a_second_run_grades_nothing_and_forcing_it_gives_the_same_grades(cohort) -> None:
    ws: Workspace = cohort["ws"]
    assert autograde(ws, settings=SANDBOXED) == []
    before = {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(["practice"])
              if r.status != "not submitted"}
    again = autograde(ws, ["practice"], Settings(workers=2, timeout=TIMEOUT, sandbox="required", force=True))
    assert {(r.learner, r.assignment): (r.status, r.score) for r in again} == before


#: Kinds that run to the time limit: the fixture's run grades them; running
#: them again would only spend the limit again.
SLOW_KINDS = frozenset({"infinite-loop", "ignores-interrupt"})


def _collect_again(cohort: dict, names: list[str], folder: Path, most: int) -> set[tuple[str, str]]:
    """Collect again the first ``most`` submissions (in roster order) for
    these assignments, but work that runs to the time limit: it is to grade
    again. Returns the (learner, assignment) pairs collected."""
    again = [s for s in cohort["built"].submissions
             if s.assignment in names and s.kind not in SLOW_KINDS][:most]
    for name in names:
        archive = folder / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for submission in again:
                if submission.assignment == name:
                    zipped.writestr(synthetic.lms_name(submission), submission.content)
        collect(cohort["ws"], name, archive)
    return {(s.learner, s.assignment) for s in again}


def _autograde_command(ws: Workspace, *names: str, workers: int = 2) -> list[str]:
    return [sys.executable, "-m", "coproduction.cli", "autograde", str(ws.root), *names, "--workers", str(workers),
            "--timeout", str(TIMEOUT), "--sandbox", "required", "--quiet"]


@pytest.mark.slow
def test_two_trainers_grading_at_once_lose_nothing(cohort, tmp_path: Path) -> None:
    """Two trainers autograde different assignments of one cohort at the same
    time while a third asks for the status: every command succeeds and every
    grade is what one run alone gave."""
    ws: Workspace = cohort["ws"]
    names = ["ladder", "power"]
    final = {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(names)}
    again = _collect_again(cohort, names, tmp_path, most=34)
    kinds = {s.kind for s in cohort["built"].submissions if (s.learner, s.assignment) in again}
    assert kinds & set(synthetic.BAD_KINDS) and kinds & set(synthetic.MALICIOUS_KINDS) and "solution" in kinds
    # One grading worker each: on two cores, two trainers' commands are already one per core.
    runs = [subprocess.Popen(_autograde_command(ws, name, workers=1), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in names]
    looks = 0
    while any(run.poll() is None for run in runs):
        status = subprocess.run([sys.executable, "-m", "coproduction.cli", "status", str(ws.root), "--all"],
                                capture_output=True, text=True, timeout=120)
        assert status.returncode == 0, status.stderr
        looks += 1
        time.sleep(0.5)  # a third trainer looking now and then, not a second machine's worth of load
    for run in runs:
        out, err = run.communicate()
        assert run.returncode == 0, out + err
    assert looks >= 1
    assert {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(names)} == final


def _graded_since(ws: Workspace, assignments: list[str], pending: set[tuple[str, str]]) -> int:
    return sum(1 for r in ws.statuses(assignments) if (r.learner, r.assignment) in pending and r.status != "collected")


@pytest.mark.slow
def test_an_interrupted_run_loses_nothing_and_resumes(cohort, tmp_path: Path) -> None:
    ws: Workspace = cohort["ws"]
    names = ["evidence", "investment", "practice"]
    final = {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(names)}
    pending = _collect_again(cohort, names, tmp_path, most=22)
    command = _autograde_command(ws, *names)
    for interrupt in (signal.SIGINT, signal.SIGKILL):  # Ctrl-C, then a kill
        before = _graded_since(ws, names, pending)
        run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while _graded_since(ws, names, pending) < before + 5 and time.monotonic() < deadline:
            time.sleep(0.2)
        run.send_signal(interrupt)
        _, err = run.communicate(timeout=60)
        if interrupt == signal.SIGINT:
            assert run.returncode == 130 and "run the same command again" in err, err
        kept = {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(names)
                if r.status != "collected" and (r.learner, r.assignment) in pending}
        assert len(kept) >= before + 5
        assert all(final[key] == value for key, value in kept.items()), "a recorded grade changed"
    left = len(pending) - _graded_since(ws, names, pending)
    assert left > 0, "the interruptions came too late to leave work"
    rest = autograde(ws, names, SANDBOXED)
    assert len(rest) == left
    assert {(r.learner, r.assignment): (r.status, r.score) for r in ws.statuses(names)} == final


@pytest.mark.slow
def test_the_whole_pipeline_runs_without_the_sandbox_and_says_so(tmp_path: Path) -> None:
    """Where bubblewrap cannot run, the pipeline still grades (with the sandbox
    off, and a warning that says so), so it is tested on every machine."""
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nA1\nA2\nA3\n", encoding="utf-8")
    ws = create_cohort(tmp_path / "workspace", roster, ROOT)
    ladder = synthetic.ASSIGNMENTS["ladder"]
    kinds = {"A1": "solution", "A2": "partly-wrong", "A3": "blank"}
    uploads = tmp_path / "uploads"
    for learner, kind in kinds.items():
        spec = ladder.learners[kind]
        path = uploads / learner / "ladder.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(synthetic.fill(ladder.release, spec.answers(), ladder.written if spec.written else {}), path)
    collect(ws, "ladder", uploads)
    with logged(logging.WARNING) as said:
        rows = {r.learner: r for r in autograde(ws, ["ladder"], Settings(workers=1, sandbox="off"))}
    assert any("NOT sandboxed" in line and "turned off" in line for line in said), said
    points = synthetic.points("ladder")
    for learner, kind in kinds.items():
        assert rows[learner].score == sum(points[p] for p in ladder.learners[kind].passes), (learner, kind)
    assert rows["A3"].status == "blank" and rows["A1"].status == rows["A2"].status == "graded"
    ws.close()
