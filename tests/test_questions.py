"""The core track: questions answered by choosing, checked against a key
that holds no answer in clear, with a message for every answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coproduction.questions import (BLANK, KEYS, NotAnswered, NotRight, QuestionError, check_notebook,
                                    estimated_minutes, judge, make_key, read_questions)
from coproduction.modules import exercises
from coproduction.nbgrader_tools import assignments

from .conftest import ROOT, read_nb
from .submissions import questions, wrong_message, wrong_options

NAMES = assignments(ROOT)
BANKS = {name: ROOT / "solutions" / "questions" / f"{name}.toml" for name in NAMES}


def test_every_exercise_has_at_least_five_core_parts() -> None:
    for name in NAMES:
        assert len(questions(name)) >= 5, name


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_key_is_made_from_the_questions(name: str) -> None:
    committed = json.loads((KEYS / f"{name}.json").read_text(encoding="utf-8"))
    assert committed == make_key(name, read_questions(BANKS[name])), "run make release"


@pytest.mark.parametrize("name", NAMES)
def test_the_key_holds_no_answer_and_no_message_in_clear(name: str) -> None:
    key = (KEYS / f"{name}.json").read_text(encoding="utf-8")
    for q in questions(name).values():
        for message in (q.right, *q.wrong.values()):
            assert message[:40] not in key, f"{q.name}: a message is in the key in clear"
        entry = json.loads(key)["parts"][q.name]
        without_options = json.dumps({k: v for k, v in entry.items() if k != "options"})
        answers = q.answer if q.kind == "several" else [q.answer]
        for answer in answers:
            assert json.dumps(str(answer)) not in without_options, f"{q.name}: the answer is in the key"


@pytest.mark.parametrize("name", NAMES)
def test_the_released_notebook_holds_no_core_answer(name: str) -> None:
    nb = read_nb(ROOT / "exercises" / name / f"{name}.ipynb")
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    core_text = " ".join(c.source for g, c in cells.items() if g and not g.startswith("a"))
    for q in questions(name).values():
        number = q.title.split()[-1]
        answer_cell = cells[f"q{number}_answer"].source
        assert answer_cell.split("#")[0].strip() == f"{q.name} = {BLANK[q.kind]}", answer_cell
        check = cells[f"q{number}_tests"].source
        assert check.strip() == (f'"""Checks part {number}."""\nfrom coproduction.questions import check\n\n'
                                 f'check("{name}", "{q.name}")'), check
        # The part's own cells, without its heading ("## Part 5: ..."), as one line of words.
        part_text = " ".join(" ".join(cells[f"q{number}_{kind}"].source.split("\n", 1)[-1].split())
                             for kind in ("intro", "answer", "tests"))
        if q.kind == "number":
            assert not re.search(rf"(?<![\w.]){q.answer}(?![\w.])", part_text), f"{q.name}: {q.answer} is shown"
            if q.answer >= 10:  # a small number is bound to appear somewhere; a larger one must not
                assert not re.search(rf"(?<![\w.]){q.answer}(?![\w.])", core_text), f"{q.name}: {q.answer} shown"
        else:
            # An answer may appear in the options, but no more often than any other option.
            counts = {o: part_text.count(f'"{o}"') for o in q.options}
            answers = q.answer if q.kind == "several" else [q.answer]
            for answer in answers:
                assert counts[answer] <= min(counts.values()), f"{q.name}: {answer!r} is singled out"


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_recheck_every_core_answer(name: str) -> None:
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source
             for c in read_nb(ROOT / "solutions" / name / f"{name}.ipynb").cells}
    for q in questions(name).values():
        hidden = cells[f"q{q.title.split()[-1]}_tests"].split("### BEGIN HIDDEN TESTS")[1]
        assert f"({q.name}" in hidden, f"{q.name} is not re-checked by a hidden test"


def test_right_answers_pass_however_they_are_typed() -> None:
    assert judge("ladder", "q1_type", "Educate").state == "right"
    assert judge("ladder", "q1_type", "  eDUCATE ").state == "right"
    assert judge("ladder", "q3_change", "Decide-how  together").state == "right"
    assert judge("power", "q3_shifts", [7, "5", " 3", "1", "1"]).state == "right"
    assert judge("investment", "q2_weekly", "210").state == "right"
    assert judge("investment", "q2_weekly", 210.0).state == "right"
    assert judge("evidence", "q2_low", 33.2).state == "right"


@pytest.mark.parametrize("name", NAMES)
def test_each_wrong_option_gets_its_own_message(name: str) -> None:
    for q in questions(name).values():
        for value in wrong_options(q):
            verdict = judge(name, q.name, value)
            assert verdict.state == "wrong", (q.name, value)
            assert " ".join(wrong_message(q, value).split()) in verdict.message
            assert q.right not in verdict.message


@pytest.mark.parametrize(("part", "value", "words"), [
    ("q1_type", "", "not answered yet"),
    ("q1_type", None, "not answered yet"),
    ("q1_type", "Consultation", 'Did you mean "Consult"?'),
    ("q1_type", ["Educate"], "one option between quotes"),
    ("q1_type", 3, "a whole number"),
])
def test_blank_and_malformed_answers_get_plain_messages(part: str, value: object, words: str) -> None:
    verdict = judge("ladder", part, value)
    assert words in verdict.message and verdict.state != "right"


def test_numbers_and_lists_say_what_form_they_want() -> None:
    assert "without quotes" in judge("investment", "q2_weekly", "two hundred").message
    assert "not True or False" in judge("investment", "q2_weekly", True).message
    assert "wants a list" in judge("power", "q3_shifts", "1, 3").message
    assert "not one of the options" in judge("power", "q3_shifts", ["9"]).message
    missing = judge("power", "q3_shifts", ["1", "3"])
    assert missing.state == "wrong" and "at least one more" in missing.message
    assert judge("power", "q3_shifts", []).state == "unanswered"


def test_the_not_answered_example_is_never_the_right_answer() -> None:
    for name in NAMES:
        for q in questions(name).values():
            message = judge(name, q.name, None).message
            example = message.split(" in the form ")[1].split(", run that cell")[0].split(" = ", 1)[1]
            assert judge(name, q.name, json.loads(example)).state != "right", (name, q.name, example)


def test_checks_show_a_message_not_a_traceback() -> None:
    for error in (NotAnswered("Part 1: not answered yet. Type ..."), NotRight("Part 1: not right yet.")):
        lines = error._render_traceback_()
        assert lines[0].startswith(("…", "✗")) and not any("Traceback" in line for line in lines)


def test_a_question_without_a_message_for_each_wrong_option_is_refused(tmp_path: Path) -> None:
    bank = tmp_path / "x.toml"
    bank.write_text('[q1_x]\ntitle = "Part 1"\nkind = "choice"\noptions = ["a", "b", "c"]\nanswer = "a"\n'
                    'right = "yes"\nreread = "module 1"\n[q1_x.wrong]\nb = "no"\n')
    with pytest.raises(QuestionError, match=r"no message for the wrong option\(s\) \['c'\]"):
        read_questions(bank)
    bank.write_text('[q1_x]\ntitle = "Part 1"\nkind = "choice"\noptions = ["A b", "a-B"]\nanswer = "A b"\n'
                    'right = "yes"\nreread = "module 1"\n[q1_x.wrong]\n"a-B" = "no"\n')
    with pytest.raises(QuestionError, match="the same"):
        read_questions(bank)


def _namespace(**answers: object) -> dict[str, object]:
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(compile("from coproduction.questions import check", "setup", "exec"), namespace)
    namespace.update(answers)
    return namespace


def _saved(tmp_path: Path, exercise: str, **answers: str) -> Path:
    """The released notebook with ``answers`` typed into their answer cells, saved."""
    nb = json.loads((ROOT / "exercises" / exercise / f"{exercise}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        name = cell["metadata"].get("coproduction", {}).get("part")
        if name in answers:
            cell["source"] = f"{name} = {answers[name]}"
    saved = tmp_path / f"{exercise}.ipynb"
    saved.write_text(json.dumps(nb), encoding="utf-8")
    return saved


def test_check_my_work_tables_every_part_as_the_saved_notebook_holds_it(tmp_path: Path) -> None:
    released = ROOT / "exercises" / "power" / "power.ipynb"
    report = check_notebook("power", _namespace(), released)
    states = [(row.title, row.state) for row in report.rows]
    assert states[:5] == [(f"Part {i}", "unanswered") for i in range(1, 6)]
    assert all(row.optional and row.state == "unanswered" for row in report.rows[5:])
    answers = {q.name: q.answer for q in questions("power").values()}
    # Right answers in the kernel, none in the saved notebook: grading would give nothing, so neither does this.
    assert [row.state for row in check_notebook("power", _namespace(**answers), released).rows[:5]] == \
        ["unanswered"] * 5
    saved = _saved(tmp_path, "power", **{n: json.dumps(v) for n, v in answers.items() if n != "example"})
    report = check_notebook("power", _namespace(), saved)
    assert [row.state for row in report.rows[:5]] == ["right"] * 5
    assert "Core track: 5 of 5 parts right" in str(report) and "complete" in report.summary()
    html = report._repr_html_()
    assert "<caption" in html and "scope='col'" in html


def test_check_my_work_says_when_the_answer_judged_is_not_the_one_last_run(tmp_path: Path) -> None:
    saved = _saved(tmp_path, "power", q1_design='"shared"')
    row = check_notebook("power", _namespace(), saved, live=True).rows[0]
    assert row.state != "unanswered" and "not the one you last ran" in row.message
    assert "not the one you last ran" not in check_notebook("power", _namespace(), saved).rows[0].message


def test_check_my_work_runs_the_setup_when_it_was_not_run() -> None:
    namespace: dict[str, object] = {"__name__": "__main__"}
    report = check_notebook("power", namespace, ROOT / "exercises" / "power" / "power.ipynb")
    assert "records" in namespace and len(report.rows) == 8
    assert all("is not defined" not in row.message for row in report.rows)


def test_check_in_a_namespace_without_the_answer_says_run_it_first() -> None:
    namespace = _namespace()
    with pytest.raises(NotAnswered, match="Run the cell with your answer"):
        exec("check('power', 'q1_design')", namespace)
    namespace["q1_design"] = "people"
    with pytest.raises(NotRight, match="not right yet"):
        exec("check('power', 'q1_design')", namespace)


@pytest.mark.parametrize("name", NAMES)
def test_each_exercise_states_the_time_its_estimate_gives(name: str) -> None:
    nb = json.loads((ROOT / "solutions" / name / f"{name}.ipynb").read_text(encoding="utf-8"))
    core, written = estimated_minutes(nb["cells"])
    intro = "".join(nb["cells"][0]["source"])
    intro = " ".join(intro.split())
    assert f"Allow about **{core} minutes**" in intro and f"**{written} minutes** for the written" in intro


def _bound(code: str) -> set[str]:
    """Names a cell binds in the notebook's namespace (not inside its
    functions, classes or comprehensions)."""
    import ast

    names: set[str] = set()
    nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
              ast.DictComp, ast.GeneratorExp)

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        if not isinstance(node, nested):
            for child in ast.iter_child_nodes(node):
                visit(child)

    visit(ast.parse(code))
    return names


@pytest.mark.parametrize("name", NAMES)
def test_no_hidden_test_replaces_a_name_the_learner_defines(name: str) -> None:
    """Cohort grading runs every answer cell before the test cells' hidden
    parts, so a hidden test that bound, say, ``retention`` would replace the
    learner's function of that name and grade the course's own instead."""
    learner: set[str] = set()
    hidden: dict[str, set[str]] = {}
    for cell in read_nb(ROOT / "solutions" / name / f"{name}.ipynb").cells:
        meta = cell.metadata.get("nbgrader", {})
        code = re.sub(r"### (BEGIN|END) SOLUTION", "", cell.source)
        if cell.cell_type != "code":
            continue
        if meta.get("solution") or meta.get("grade_id") == "setup" or not meta:
            learner |= _bound(code)
        elif "### BEGIN HIDDEN TESTS" in code:
            hidden[meta["grade_id"]] = _bound(code.split("### BEGIN HIDDEN TESTS")[1])
    clashes = {grade_id: names & learner for grade_id, names in hidden.items() if names & learner}
    assert not clashes, clashes


def test_the_course_map_and_the_book_state_each_exercise_s_own_time() -> None:
    """Module 0's table and the book's contents give each exercise the time
    the exercise itself states (its core track plus its written answers)."""
    want = []
    for name in exercises():
        cells = json.loads((ROOT / "solutions" / name / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]
        want.append(sum(estimated_minutes(cells)))
    start = (ROOT / "course" / "00-start-here.ipynb").read_text(encoding="utf-8")
    stated = [int(m) for m in re.findall(r"\| \d+\. [^|]+\| about \d+ minutes, plus (\d+)", start)]
    assert stated == want, f"module 0 says {stated}, the exercises {want}"
    intro = (ROOT / "book" / "intro.md").read_text(encoding="utf-8")
    assert [int(m) for m in re.findall(r"plus (\d+) for the exercise", intro)] == want
