"""Each grading step on its own, on a small notebook made here: sanitising
(prepare), the order cells run in (plan), putting a run's outputs back
(apply_results) and scoring into nbgrader's gradebook (save_grades)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbgrader import utils as nbutils
from nbgrader.api import Gradebook

from coproduction.cohort.prepare import SourceCell, SourceNotebook, Unreadable, load_source, plan, prepare
from coproduction.cohort.scoring import FURTHER_CHECK, NOT_RUN, apply_results, save_grades
from coproduction.cohort.plan import Outcome
from coproduction.cohort.values import decode

from .conftest import ROOT
from .submissions.cohort import ASSIGNMENTS

VISIBLE = 'assert x == 1, "x should be 1"\n'
TEST = VISIBLE + "### BEGIN HIDDEN TESTS\nassert x > 0\n### END HIDDEN TESTS\n"
NAMES = {"q1_answer": "the answer to Part 1", "q1_tests": "the check of Part 1"}
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _cell(source: str, grade_id: str, *, solution: bool = False, points: float | None = None,
          locked: bool = False) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": points is not None,
                                 "locked": locked, "schema_version": 3, "task": False}
    if points is not None:
        cell.metadata["nbgrader"]["points"] = points
    return cell


def _checksum(cell: nbformat.NotebookNode) -> str:
    return nbutils.compute_checksum(cell)


def _source() -> SourceNotebook:
    test = _cell(TEST, "q1_tests", points=2.0, locked=True)
    answer = _cell("x = None", "q1_answer", solution=True)
    return SourceNotebook("toy", "toy", (
        SourceCell("q1_answer", "code", False, _checksum(answer), "x = 1", None, True),
        SourceCell("q1_tests", "code", True, _checksum(test), TEST, 2.0, False),
    ), KERNEL, released={"q1_answer": "x = None", "q1_tests": VISIBLE}, names=NAMES)


def _submission(answer: str = "x = 1", test: str = VISIBLE) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNEL})
    nb.cells = [nbformat.v4.new_markdown_cell("# Toy"), _cell(answer, "q1_answer", solution=True),
                _cell(test, "q1_tests", points=2.0, locked=True)]
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="left over")]
    return nb


def test_prepare_puts_back_what_a_learner_may_not_change_and_says_so() -> None:
    nb = _submission(test="assert True  # the learner's own check")
    nb.cells[2].metadata["nbgrader"]["points"] = 100
    nb.metadata["kernelspec"] = {"name": "r", "display_name": "R", "language": "r"}
    prepared = prepare(nb, _source(), "L01", "digest")
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in prepared.nb.cells if "nbgrader" in c.metadata}
    assert cells["q1_tests"].source == TEST, "the whole test cell, hidden tests included, is put back"
    assert cells["q1_tests"].metadata["nbgrader"]["points"] == 2.0
    assert prepared.nb.metadata["kernelspec"] == KERNEL
    assert cells["q1_answer"].outputs == [], "outputs from the learner's machine are cleared"
    notes = " | ".join(prepared.notes)
    for said in ("the check of Part 1 was edited; the original was put back",
                 "the points of the check of Part 1 were edited", "kernel was changed to 'r'"):
        assert said in notes
    assert nb.cells[2].source.startswith("assert True"), "the submission itself is not changed"


def test_prepare_restores_a_deleted_check_after_its_answer_and_keeps_the_last_duplicate() -> None:
    nb = _submission()
    del nb.cells[2]
    nb.cells.insert(1, _cell("x = 2", "q1_answer", solution=True))
    prepared = prepare(nb, _source(), "L01", "digest")
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in prepared.nb.cells]
    assert ids == [None, None, "q1_answer", "q1_tests"], ids
    assert prepared.nb.cells[2].source == "x = 1", "the last copy of a duplicated answer is graded"
    assert any("the check of Part 1 was deleted; it was put back" in n for n in prepared.notes)
    assert any("the answer to Part 1 was duplicated" in n for n in prepared.notes)


def test_prepare_tells_blank_from_answered_and_refuses_another_notebook() -> None:
    assert prepare(_submission(answer="x = None"), _source(), "L01", "d").blank
    assert not prepare(_submission(answer="x = 1"), _source(), "L01", "d").blank
    stranger = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('hello')")])
    with pytest.raises(Unreadable) as refused:
        prepare(stranger, _source(), "L01", "d")
    assert refused.value.status == "wrong notebook"


def test_hidden_tests_run_only_in_the_judge_after_every_visible_cell() -> None:
    made = plan(prepare(_submission(), _source(), "L01", "d"))
    steps = made.steps
    assert [(s.index, s.judged) for s in steps] == [(1, False), (2, False), (2, True)]
    assert "HIDDEN" not in steps[1].source and steps[1].source.strip() == VISIBLE.strip()
    assert steps[2].source == TEST and steps[2].hidden
    # The answer the saved cell writes out goes to the judge as data, unless the cell failed when it ran.
    ran = {"failed": False, "outputs": [], "execution_count": 1}
    bind = made.bind({1: ran})
    assert {n: decode(v) for n, v in bind.values.items()} == {"x": 1}
    assert made.bind({1: {**ran, "failed": True}}).values == {}


@pytest.mark.parametrize("answer, bound", [
    ('q1_type = ""  # type one option\nq1_type = "Educate"', {"q1_type": "Educate"}),
    ("q1_type = Educate", {}),  # the bare word: a name, not a value
    ("q1_type = \u201cEducate\u201d", {}),  # Word's curly quotes: not Python
    ("q2_weekly = £210", {}),
    ("q2_weekly = 200 + 10\nprint(q2_weekly)", {"q2_weekly": 210}),
    ('q3_add = ["travel"]\nq3_add.append("care cover")', {}),  # changed after it was written out
    ("q1_type = open('/etc/passwd').read()", {}),
    ("[" * 100_000, {}),  # nested past the parser's depth
])
def test_the_host_reads_only_values_written_out(answer: str, bound: dict) -> None:
    from coproduction.cohort.answers import literal_answers

    assert literal_answers(answer) == bound


def _ran(count: int, outputs: list | None = None, failed: bool = False) -> dict:
    return {"execution_count": count, "outputs": outputs or [], "failed": failed}


def test_apply_results_fails_what_did_not_run_or_failed_its_further_checks() -> None:
    prepared = prepare(_submission(), _source(), "L01", "d")
    error = {"output_type": "error", "ename": "AssertionError", "evalue": "", "traceback": []}
    further = apply_results(prepared, Outcome("finished", results={1: _ran(1), 2: _ran(2)},
                                              hidden={2: _ran(3, [error], failed=True)}))
    assert not further
    assert [o.ename for o in prepared.nb.cells[2].outputs if o.output_type == "error"] == [FURTHER_CHECK]
    assert nbutils.determine_grade(prepared.nb.cells[2])[0] == 0

    prepared = prepare(_submission(), _source(), "L01", "d")
    notes = apply_results(prepared, Outcome("timeout", "the notebook ran out of time", results={1: _ran(1)}))
    assert prepared.nb.cells[2].outputs[0].ename == NOT_RUN
    assert notes[0].startswith("the notebook ran out of time, at the check of Part 1")

    prepared = prepare(_submission(answer="x = 1/0"), _source(), "L01", "d")
    zero = {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": []}
    notes = apply_results(prepared, Outcome("finished", results={1: _ran(1, [zero], failed=True),
                                                                 2: _ran(2, [error], failed=True)}))
    assert notes == ["an error in the answer to Part 1"]


@pytest.mark.slow  # needs nbgrader's generated gradebook (made once per course version)
def test_save_grades_scores_each_part_from_its_outputs(tmp_path: Path, release: Path) -> None:
    """On a copy of the run's gradebook, the ladder exercise: every check that
    ran without an error earns its points, a failed one none, written answers wait."""
    shutil.copy(release / "gradebook.db", tmp_path / "gradebook.db")
    assignment = ASSIGNMENTS["ladder"]
    from .submissions import fill

    nb = fill(assignment.release, assignment.learners["solution"].answers(), assignment.written)
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        source = load_source(gb, "ladder", ROOT / "solutions" / "ladder" / "ladder.ipynb", assignment.release)
        prepared = prepare(nb, source, "L01", "d")
        results = {i: _ran(i) for i, c in enumerate(prepared.nb.cells) if c.cell_type == "code"}
        first_test = next(i for i, c in enumerate(prepared.nb.cells)
                          if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_tests")
        results[first_test] = _ran(1, [{"output_type": "error", "ename": "AssertionError", "evalue": "no",
                                        "traceback": []}], failed=True)
        apply_results(prepared, Outcome("finished", results=results,
                                        hidden={i: _ran(i) for i in results if i != first_test}))
        score, maximum, kinds = save_grades(gb, prepared, "L01", "ladder", None)
        grades = {g.name: (g.auto_score, g.max_score, g.cell_type, g.needs_manual_grade)
                  for g in gb.find_submission_notebook("ladder", "ladder", "L01").grades}
    points = {name: g[1] for name, g in grades.items()}
    assert grades["q1_tests"][0] == 0
    written = [n for n, g in grades.items() if g[2] == "markdown"]
    assert written and all(grades[n][3] for n in written)
    assert score == sum(points[n] for n, g in grades.items() if g[2] == "code" and n != "q1_tests")
    assert maximum == sum(points.values())
    assert kinds["core"][1] == sum(points[n] for n in grades if n.startswith("q") and n.endswith("_tests"))


def test_every_message_of_the_protocol_reads_back_as_sent() -> None:
    from coproduction.cohort.protocol import (Bind, Call, CellRan, Exit, Found, InterruptJob, JobEnded, Lookup, Ready,
                                              RunCell, Serve, StartJob, StopJob, read)

    for sent in (StartJob("L01/ladder", 20_000), StopJob("L01/ladder"), InterruptJob("L01/ladder"), Ready(42),
                 JobEnded("L01/ladder", None, 9, "", True, "it was killed by signal 9"), RunCell(3, "x = 1", "f00d"),
                 Exit(), Serve(), Bind({"q1_type": "Educate"}, ["q2_type"]), Lookup("tally", "beef"),
                 Call("tally", "beef", [1, {"tuple": [2]}], {"department": "Housing"}),
                 Found("beef", "value", {"dict": [["a", 1]]}, [[1]]),
                 CellRan(3, "f00d", 7, [{"output_type": "stream", "name": "stdout", "text": "hi"}], False, ["print"], 4)):
        wire = json.loads(json.dumps(sent.message()))
        assert read(wire, type(sent)) == sent


@pytest.mark.parametrize("wire", [
    {"ran": 3, "nonce": "f00d", "count": True, "outputs": [], "failed": False},  # a bool where a count belongs
    {"ran": 3, "nonce": "f00d", "count": 1, "outputs": ["text"], "failed": False},  # an output that is no object
    {"ran": 3, "nonce": "f00d", "count": 1, "outputs": [], "failed": "no"},
    {"ran": "3", "nonce": "f00d", "count": 1, "outputs": [], "failed": False},
    {"end": "L01/ladder"},  # a job's end without how it ended
    {"ready": 1},  # a message of another kind
])
def test_a_message_of_the_wrong_shape_is_refused_with_a_reason(wire: dict) -> None:
    from coproduction.cohort.channel import ProtocolError
    from coproduction.cohort.protocol import CellRan, read

    with pytest.raises(ProtocolError, match="the notebook's process sent"):
        read(wire, CellRan, where="the notebook's process")


def test_the_tamper_check_names_a_replaced_course_function_or_module(monkeypatch: pytest.MonkeyPatch) -> None:
    """After each cell the learner's process compares what grading relies on
    with a snapshot taken before any learner code ran."""
    import sys
    from types import SimpleNamespace

    import coproduction.questions as questions
    from coproduction.cohort.runner import changed, snapshot

    shell = SimpleNamespace(displayhook=object(), display_pub=object())
    before = snapshot(shell)
    assert "coproduction.questions.check" in before and changed(shell, before) == []
    monkeypatch.setattr(questions, "check", lambda *args: None)
    monkeypatch.setattr("builtins.divmod", lambda *args: (0, 0))
    assert changed(shell, before) == ["builtins.divmod", "coproduction.questions.check"]
    monkeypatch.delitem(sys.modules, "coproduction.checks")  # its functions go with it
    assert "sys.modules['coproduction.checks']" in changed(shell, before)


def test_a_learners_process_starts_with_tracebacks_ready() -> None:
    """The worker formats one traceback before it forks a process per learner,
    so none of them pays again for what the first traceback loads (the
    formatter's modules and the course's source lines)."""
    import subprocess
    import sys

    probe = ("import linecache, sys\nfrom coproduction.cohort.runner import make_shell\n"
             "def ready():\n    return any(k.endswith('coproduction/checks.py') for k in linecache.cache)\n"
             "before = ready()\nmake_shell()\nprint(before, ready())")
    said = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert said.split() == ["False", "True"]
