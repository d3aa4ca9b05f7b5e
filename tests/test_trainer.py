"""A trainer's whole loop on a small cohort (issue 17).

Seven learners, each causing one status: the model answers, the core track
only, a blank notebook, a partly wrong one, a damaged file, nothing at all,
and code that reaches into the grader. ``ladder`` is collected and graded;
``power`` never is. The trainer then marks written answers through
nbgrader's own gradebook API, as Formgrader does, and every table and page
must show the marks without grading again.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from coproduction.cli import main
from coproduction.cohort.certificates import Rule, issue_certificates, verify
from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.export import export_grades
from coproduction.cohort.feedback import write_feedback
from coproduction.cohort.grade import Settings, autograde
from coproduction.cohort.report import write_report
from coproduction.cohort import standing as standing_module
from coproduction.cohort.standing import STATUSES, standings, summary
from coproduction.cohort.workspace import COURSE_ID, Workspace

from .conftest import ROOT
from .submissions import fill
from .submissions.cohort import ASSIGNMENTS

#: Who causes which status on ladder.
CAUSES = {
    "T01": "autograded",  # the model answers, written answer included: waits for a trainer
    "T02": "autograded",  # the core track and a written answer
    "T03": "blank",
    "T04": "autograded",  # partly wrong
    "T05": "error",  # a damaged file
    "T06": "not submitted",
    "T07": "needs review",  # code that reaches into IPython
}
COMMENT = "Clear & specific: <b>you</b> name who decides. Add how you would pay people."


def _notebook(kind: str) -> bytes:
    ladder = ASSIGNMENTS["ladder"]
    if kind == "damaged":
        return b'{"cells": [ {"cell_type": '
    if kind == "attacker":
        answers = dict(ladder.learners["solution"].answers())
        answers["q1_answer"] += "\nget_ipython()"
        return _bytes(fill(ladder.release, answers, ladder.written))
    learner = ladder.learners[kind]
    return _bytes(fill(ladder.release, learner.answers(), ladder.written if learner.written else {}))


def _bytes(nb) -> bytes:  # type: ignore[no-untyped-def]
    import nbformat

    return nbformat.writes(nb).encode("utf-8")


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("trainer")
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name\n" + "".join(f"{t},First{t},Last\n" for t in CAUSES), encoding="utf-8")
    ws = create_cohort(base / "workspace", roster, ROOT)
    sent = {"T01": "solution", "T02": "core-only", "T03": "blank", "T04": "partly-wrong", "T05": "damaged",
            "T07": "attacker"}
    archive = base / "ladder.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for learner, kind in sent.items():
            zipped.writestr(f"ladder/{learner}_ladder.ipynb", _notebook(kind))
    collect(ws, "ladder", archive)
    autograde(ws, ["ladder"], Settings(workers=2, timeout=30))
    yield ws
    ws.close()


def _mark(gb: Gradebook, assignment: str, learner: str, part: str, score: float, comment: str | None = None) -> None:
    """Mark a written answer as Formgrader's API handlers do (nbgrader's formgrader/apihandlers.py)."""
    grade = gb.find_grade(part, assignment, assignment, learner)
    grade.manual_score = score
    grade.needs_manual_grade = grade.manual_score is None and grade.auto_score is None
    if comment is not None:
        gb.find_comment(part, assignment, assignment, learner).manual_comment = comment
    gb.db.commit()


def _by(ws: Workspace) -> dict[tuple[str, str], object]:
    return {(s.learner, s.assignment): s for s in standings(ws)}


@pytest.mark.slow
def test_every_learner_and_assignment_has_one_row_with_the_status_its_learner_caused(
        loop: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    rows = _by(loop)
    assert len(rows) == len(CAUSES) * len(loop.assignments)
    assert {learner: rows[(learner, "ladder")].status for learner in CAUSES} == CAUSES
    assert all(rows[(learner, "power")].status == "not collected yet" for learner in CAUSES)
    assert rows[("T03", "ladder")].detail.startswith("every answer is as it was released")
    assert rows[("T05", "ladder")].detail.startswith("unreadable: ")
    assert rows[("T06", "ladder")].score is None and rows[("T03", "ladder")].score == 0
    assert main(["status", str(loop.root)]) == 0
    shown = capsys.readouterr().out
    for status in set(CAUSES.values()) | {"not collected yet"}:
        assert status in shown
    assert not re.search(r"\bq\d_(answer|tests)\b", shown), "no internal cell names in a trainer's table"
    assert ".0/" not in shown and "/27.0" not in shown


@pytest.mark.slow
def test_a_large_cohorts_status_is_a_summary_that_agrees_with_every_row(
        loop: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rows = standings(loop)
    found = summary(loop)
    assert found.learners == len(CAUSES)
    for assignment in loop.assignments:
        assert found.counts[assignment] == {s: sum(1 for r in rows if r.assignment == assignment and r.status == s)
                                            for s in STATUSES}
    assert found.attention == sorted(((r.learner, r.assignment, r.status, r.detail) for r in rows
                                      if r.status in {"error", "blank", "needs review"}), key=lambda r: (r[1], r[0]))
    monkeypatch.setattr(standing_module, "SUMMARY_AFTER", 3)  # this cohort as if it were a large one
    assert main(["status", str(loop.root)]) == 0
    shown = capsys.readouterr().out
    assert "how many learners have each status" in shown and "--all" in shown
    assert "T05" in shown and "T01" not in shown, "only those to look at are named"
    assert main(["status", str(loop.root), "--all"]) == 0
    assert "T01" in capsys.readouterr().out
    assert main(["status", str(loop.root), "ladder", "--learner", "T03"]) == 0
    one = capsys.readouterr().out
    assert "T03" in one and "blank" in one and "T01" not in one and "power" not in one
    assert main(["status", str(loop.root), "--learner", "T99"]) == 2
    assert "Not on the roster: T99" in capsys.readouterr().err


@pytest.mark.slow
def test_marks_from_formgrader_reach_every_table_and_page_without_grading_again(loop: Workspace,
                                                                                 tmp_path: Path) -> None:
    before = write_feedback(loop, ["ladder"])
    page = (loop.feedback("T01", "ladder") / "ladder.html").read_text(encoding="utf-8")
    assert "Waiting for your trainer" in page
    graded_at = {(r.learner, r.assignment): (r.updated, r.digest) for r in loop.statuses()}
    autograded_score = _by(loop)[("T01", "ladder")].score
    with Gradebook(loop.db_url, COURSE_ID) as gb:  # a trainer marks two written answers in Formgrader
        _mark(gb, "ladder", "T01", "q6_answer", 3, COMMENT)
        _mark(gb, "ladder", "T02", "q6_answer", 4)
    rows = _by(loop)
    assert rows[("T01", "ladder")].status == "fully marked" and rows[("T02", "ladder")].status == "fully marked"
    assert rows[("T01", "ladder")].score == autograded_score + 3
    assert rows[("T01", "ladder")].kind("written") == (3, 4)
    assert rows[("T04", "ladder")].status == "autograded", "a learner not yet marked still waits"
    with Gradebook(loop.db_url, COURSE_ID) as gb:  # every total is nbgrader's own, marks included
        for (learner, assignment), standing in rows.items():
            if standing.scored:
                assert standing.score == gb.find_submission(assignment, learner).score, (learner, assignment)
    after = write_feedback(loop, ["ladder"])
    assert {p.parts[-3] for p in after.changed} == {"T01", "T02"}, "only the marked learners' pages change"
    assert len(after.unchanged) == len(before.changed) - 2
    page = (loop.feedback("T01", "ladder") / "ladder.html").read_text(encoding="utf-8")
    assert "Your trainer's mark: 3 of 4" in page and html.escape(COMMENT) in page and "<b>you</b>" not in page
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert f"Score: {rows[('T01', 'ladder')].score:g} of" in text
    grades = list(csv.DictReader(io.StringIO(export_grades(loop, tmp_path / "g.csv").read_text())))
    t01 = next(g for g in grades if g["learner"] == "T01" and g["assignment"] == "ladder")
    assert (t01["status"], t01["written_score"], t01["written_max"], t01["written_to_mark"]) == \
        ("fully marked", "3", "4", "0")
    assert float(t01["score"]) == autograded_score + 3
    report = write_report(loop, tmp_path / "report.html").read_text(encoding="utf-8")
    waiting = report.split("Written answers waiting for a trainer")[1]
    assert "T04" in waiting and "T01" not in waiting and "Part 6: from consultation to co-design" in waiting
    assert {(r.learner, r.assignment): (r.updated, r.digest) for r in loop.statuses()} == graded_at, \
        "nothing was graded again"


@pytest.mark.slow
def test_the_report_leaves_out_what_was_never_collected_and_says_so(loop: Workspace, tmp_path: Path) -> None:
    report = write_report(loop, tmp_path / "report.html").read_text(encoding="utf-8")
    alt = re.search(r'alt="(Dot plot[^"]*)"', report)
    assert alt and "ladder: " in alt[1] and "power" not in alt[1]
    assert "assignments not collected yet: " in report and "not submitted" in report
    counts = report.split("Learners by status, per assignment")[1].split("</table>")[0]
    assert counts.count("<tr") == 1 + len(loop.assignments), "one header row, then a row per assignment"
    for status in STATUSES:
        assert status in report, f"the legend explains {status!r}"


def _run_until_exit(command: list[str], ignore_sigint: bool, wait_for: str | None = None,
                    first: float = 1.0) -> tuple[int, str, str]:
    """Start ``command``, press Ctrl-C (again every half second) until it ends."""
    def ignore() -> None:  # as a shell does for a job started with &
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=ignore if ignore_sigint else None)
    out = ""
    if wait_for is not None:
        assert run.stdout is not None
        while wait_for not in out:
            line = run.stdout.readline()
            assert line, f"ended before {wait_for!r}: {out}{run.stderr.read() if run.stderr else ''}"
            out += line
    time.sleep(first)
    deadline = time.monotonic() + 60
    while run.poll() is None and time.monotonic() < deadline:
        run.send_signal(signal.SIGINT)
        time.sleep(0.5)
    rest, err = run.communicate(timeout=30)
    return run.returncode, out + rest, err


@pytest.mark.slow
@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["in a terminal", "started in the background"])
def test_ctrl_c_at_any_moment_is_a_plain_message(loop: Workspace, ignore_sigint: bool) -> None:
    command = [sys.executable, "-m", "coproduction.cli", "autograde", str(loop.root), "ladder", "--force",
               "--sandbox", "auto", "--quiet"]
    code, _, err = _run_until_exit(command, ignore_sigint, first=0.5)
    assert code == 130 and "run the same command again" in err and "Traceback" not in err, err


def test_ctrl_c_that_python_wraps_during_an_import_is_the_same_plain_message(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The test above once pressed Ctrl-C while setuptools was being imported,
    inside a class's ``__set_name__``, where Python 3.11 turns it into a RuntimeError."""
    from coproduction import cli

    def interrupted_import(argv: object) -> int:
        class Field:
            def __set_name__(self, owner: type, name: str) -> None:
                raise KeyboardInterrupt

        class Extension:  # noqa: F841 - defining it is what Ctrl-C interrupts
            include_dirs = Field()
        return 0

    def broken(argv: object) -> int:
        raise RuntimeError("a real bug")

    handler = signal.getsignal(signal.SIGINT)
    try:
        monkeypatch.setattr(cli, "_main", interrupted_import)
        assert cli.main(["status", "workspace"]) == 130
        assert "run the same command again" in capsys.readouterr().err
        monkeypatch.setattr(cli, "_main", broken)
        with pytest.raises(RuntimeError, match="a real bug"):  # anything else still surfaces
            cli.main(["status", "workspace"])
    finally:
        signal.signal(signal.SIGINT, handler)


@pytest.mark.slow
def test_formgrader_starts_on_the_workspace_and_prints_its_address(loop: Workspace) -> None:
    command = [sys.executable, "-m", "coproduction.cli", "formgrader", str(loop.root)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           env=dict(os.environ, JUPYTER_PORT="", PORT=""))
    try:
        assert run.stdout is not None
        shown = ""
        while "/formgrader?token=" not in shown:
            line = run.stdout.readline()
            assert line, f"Formgrader did not start: {run.stderr.read() if run.stderr else ''}"
            shown += line
        address = re.search(r"http://\S+/formgrader\?token=\S+", shown)
        assert address
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with opener.open(address[0], timeout=30) as reply:
            page = reply.read().decode("utf-8")
            assert reply.status == 200 and "/formgrader/manage_assignments" in reply.url
        assert "ladder" in page or "formgrade" in page
    finally:
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and "Traceback" not in err, err


@pytest.mark.slow
def test_certificates_for_those_complete_reasons_for_the_rest_and_codes_that_check(loop: Workspace,
                                                                                    tmp_path: Path) -> None:
    """Runs last: it collects the other four assignments, for T01 only."""
    for name in loop.assignments:
        if name == "ladder":
            continue
        assignment = ASSIGNMENTS[name]
        archive = tmp_path / f"{name}.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            zipped.writestr(f"{name}/T01_{name}.ipynb",
                            _bytes(fill(assignment.release, assignment.learners["solution"].answers(),
                                        assignment.written)))
        collect(loop, name, archive)
    autograde(loop, settings=Settings(workers=2, timeout=30))
    with Gradebook(loop.db_url, COURSE_ID) as gb:  # the trainer marks T01's written answers in Formgrader
        for name in loop.assignments:
            for grade in gb.find_submission(name, "T01").notebooks[0].grades:
                if grade.needs_manual_grade:
                    _mark(gb, name, "T01", grade.name, grade.max_score)
    result = issue_certificates(loop, Rule(min_share=0.6), pdf=True, today="2026-12-03")
    assert [c.learner for c in result.complete] == ["T01"]
    assert set(result.incomplete) == set(CAUSES) - {"T01"}
    assert "power: not submitted" in result.incomplete["T02"]
    assert any("still to mark" in why for why in result.incomplete["T04"])
    assert "ladder: blank" in result.incomplete["T03"]
    certificate = result.complete[0]
    page = (loop.root / "certificates" / "T01.html").read_text(encoding="utf-8")
    assert "FirstT01 Last" in page and certificate.code in page and "5. Putting it into practice" in page
    assert (loop.root / "certificates" / "T01.pdf").read_bytes().startswith(b"%PDF")
    assert certificate.hours > 5 and "T01" not in certificate.code and "First" not in certificate.code
    assert verify(loop, certificate.code) == certificate
    altered = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    assert verify(loop, altered) is None
    register = loop.root / "certificates" / "issued.json"
    issued = register.read_text(encoding="utf-8")
    register.write_text(issued.replace(f'"hours": {certificate.hours}', '"hours": 99'), encoding="utf-8")
    try:
        assert verify(loop, certificate.code) is None, "a certificate changed after issue no longer checks"
    finally:
        register.write_text(issued, encoding="utf-8")
    assert main(["verify", str(loop.root), certificate.code]) == 0
    assert main(["verify", str(loop.root), altered]) == 1


@pytest.mark.slow
def test_everyday_commands_need_neither_nbgrader_nor_matplotlib(loop: Workspace, tmp_path: Path) -> None:
    """status, export and verify answer at once: they read the workspace and the gradebook's tables directly."""
    for command in (["status", str(loop.root)], ["export", str(loop.root), "--output", str(tmp_path / "g.csv")],
                    ["verify", str(loop.root), "CIP-AAAA-AAAA-AAAA-AAAA-AAAA"]):
        probe = ("import sys\nfrom coproduction.cli import main\ncode = main(%r)\n"
                 "heavy = sorted(m for m in ('nbgrader', 'matplotlib', 'pandas', 'nbformat') if m in sys.modules)\n"
                 "print('HEAVY', heavy)\nsys.exit(0 if code in (0, 1) else code)\n") % (command,)
        run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "HEAVY []" in run.stdout, f"{command[0]} imported {run.stdout.split('HEAVY')[-1].strip()}"


@pytest.mark.slow
def test_cohort_create_says_what_it_is_doing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nA1\nB2\n", encoding="utf-8")
    assert main(["cohort", "create", str(tmp_path / "ws"), "--roster", str(roster)]) == 0
    said = capsys.readouterr()
    assert "Copying the learners' notebooks" in said.err and "Adding 2 learners" in said.err
    assert "Created cohort workspace" in said.out
    with Gradebook(Workspace(tmp_path / "ws").db_url, COURSE_ID) as gb:
        assert sorted(s.id for s in gb.students) == ["A1", "B2"]
        assert sorted(a.name for a in gb.assignments) == sorted(ASSIGNMENTS)
