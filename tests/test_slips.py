"""The slips people who have never coded make, in every answer kind.

An answer cell is read as its learner meant it (``coproduction.answer_cells``):
curly quotes count as quotes; anything else that is not an answer (no
quotes, the bare word, a quote or bracket missing, an answer after None or
the #, a unit, words for a number) is a plain message saying what to change,
with an example that is never the right answer, and leaves no earlier value
behind. Here in the reader itself and in a live kernel as JupyterLab drives
it; ``tests/test_nbgrader.py`` (real ``nbgrader autograde``) and
``tests/test_cohort.py`` (the cohort pipeline) grade the simulated learners
``typed-as-people-type`` and ``slips`` to the same scores.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from coproduction.answer_cells import Part, read_answer
from coproduction.answering import part_of
from coproduction.questions import check_notebook, core_part, judge, load_key

from .conftest import ROOT
from .submissions import questions, typed_as_people_type
from .submissions.cohort import ASSIGNMENTS

#: What a learner must never be shown.
PYTHON = ("Traceback", "Error", "Cell In[", "line 1", "Exception", "U+201C", "invalid character")


def _parts() -> list[tuple[str, str]]:
    return [(name, q.name) for name in ASSIGNMENTS for q in questions(name).values()]


def _slipped(exercise: str, name: str) -> list[str]:
    """Every slip of its kind for the part, whatever the simulated learner uses."""
    q = questions(exercise)[name]
    answer = q.answer
    if q.kind == "choice":
        return [f"{name} = {answer}", f"{answer}", f"\u201c{answer}\u201d", f'{name} = "{answer}',
                f'{name} = {answer}"', f'{name} = ""  # {answer}', f"{name} = None {answer}", f"{name} =",
                f'{name} = ["{answer}"', f'{name}1 = "{answer}"']
    if q.kind == "several":
        quoted = ", ".join(f'"{a}"' for a in answer)
        unquoted = [] if all(a.isdigit() for a in answer) else [  # 1, 3 without quotes are numbers: right
            f"{name} = {', '.join(answer)}", f"{name} = [{', '.join(answer)}]"]
        return [*unquoted, f"{name} = [{quoted}", f"{name} = {quoted}]", f"{name} =", f"{name} = None {quoted}"]
    n = int(answer) if float(answer).is_integer() else answer
    return [f"{name} = £{n}", f"{name} = {n}%", f"{name} = {n} a week", f"{name} = two hundred and ten",
            f"{name} = None {n}", f"{name} = None{n}", f"{name} = 1,200", f'{name} = "{n}', f"{name} =",
            f"{name} = about {n}"]


@pytest.mark.parametrize(("exercise", "name"), _parts())
def test_every_slip_is_a_plain_message_with_an_example_that_is_not_the_answer(exercise: str, name: str) -> None:
    part = part_of(exercise, name)
    assert part is not None
    for typed in _slipped(exercise, name):
        reading = read_answer(typed, part)
        assert reading.slip and reading.value is None and not reading.answered, typed
        assert not any(word in reading.slip for word in PYTHON), (typed, reading.slip)
        example = reading.slip.split("For example: ")[1].split(" (with your own")[0]
        shown = read_answer(example, part)
        assert shown.answered, (typed, example)
        assert judge(exercise, name, shown.value).state != "right", f"the example {example!r} is the answer"


@pytest.mark.parametrize(("exercise", "name"), _parts())
def test_curly_quotes_and_what_word_processors_type_count(exercise: str, name: str) -> None:
    grade_id = f"q{questions(exercise)[name].title.split()[-1]}_answer"
    typed = typed_as_people_type(exercise)[grade_id]
    reading = read_answer(typed, part_of(exercise, name))
    assert judge(exercise, name, reading.value).state == "right", (typed, reading)


def test_the_reader_and_python_agree_on_every_answer_python_can_read() -> None:
    """Where the cell is Python of written-out values, the reader gives what Python would set."""
    part = Part("q1_add", "several", ("travel", "care cover"), "travel")
    for source, value in [('q1_add = ["travel"]', ["travel"]), ("q1_add = ('travel', 'care cover')",
                                                                ("travel", "care cover")),
                          ('q1_add = ["x"]\nq1_add = ["travel"]  # changed my mind', ["travel"]),
                          ('q1_add = []', [])]:
        namespace: dict[str, Any] = {}
        exec(source, namespace)  # noqa: S102 - the course's own test values
        assert read_answer(source, part).value == namespace["q1_add"] == value


def test_a_cell_with_code_beside_its_answer_is_never_certified(tmp_path: Path) -> None:
    """Grading runs such a cell, and its answer counts only if the code runs:
    Check my work cannot know that, so it does not say the part is right."""
    q = questions("ladder")["q1_type"]
    nb = json.loads((ROOT / "exercises" / "ladder" / "ladder.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["metadata"].get("coproduction", {}).get("part") == "q1_type":
            cell["source"] = f'raise ValueError("not finished")\nq1_type = "{q.answer}"'
    saved = tmp_path / "ladder.ipynb"
    saved.write_text(json.dumps(nb), encoding="utf-8")
    row = check_notebook("ladder", {}, saved).rows[0]
    assert row.state != "right" and "other code" in row.message


# --- a live kernel, driven as JupyterLab drives it ------------------------------------


class Kernel:
    """A kernel started as JupyterLab starts one for a notebook: the
    environment's start-up configuration, the notebook's path in
    JPY_SESSION_NAME, and each cell's id sent with its code."""

    def __init__(self, notebook: Path) -> None:
        from jupyter_client.manager import KernelManager

        self.notebook = notebook
        self.cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(notebook.parent), env={**os.environ, "JPY_SESSION_NAME": str(notebook)})
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str, cell_id: str | None = None) -> str:
        """Run ``code`` as the cell ``cell_id``; everything it shows, as text."""
        msg = self.client.session.msg("execute_request", {"code": code, "silent": False, "store_history": True,
                                                          "user_expressions": {}, "allow_stdin": False,
                                                          "stop_on_error": False})
        if cell_id:
            msg["metadata"]["cellId"] = cell_id
        self.client.shell_channel.send(msg)
        shown = []
        while True:
            reply = self.client.get_iopub_msg(timeout=60)
            if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "status" and content["execution_state"] == "idle":
                return "\n".join(shown)
            if kind == "stream":
                shown.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                shown.append(content["data"].get("text/plain", ""))
            elif kind == "error":
                shown.append("\n".join(content["traceback"]))  # what JupyterLab shows of an error

    def cell(self, **marks: Any) -> dict[str, Any]:
        for cell in self.cells:
            meta = cell["metadata"]
            if all(meta.get("coproduction", {}).get(k) == v or meta.get("nbgrader", {}).get(k) == v
                   for k, v in marks.items()):
                return cell
        raise KeyError(marks)

    def run_cell(self, code: str | None = None, **marks: Any) -> str:
        cell = self.cell(**marks)
        return self.run("".join(cell["source"]) if code is None else code, cell["id"])

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module", params=sorted(ASSIGNMENTS))
def kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    name = request.param
    folder = tmp_path_factory.mktemp(f"live-{name}")
    shutil.copy(ROOT / "exercises" / name / f"{name}.ipynb", folder / f"{name}.ipynb")
    started = Kernel(folder / f"{name}.ipynb")
    try:
        yield started
    finally:
        started.close()


def _plain(shown: str) -> None:
    assert not any(word in shown for word in PYTHON), shown


@pytest.mark.slow
def test_a_live_kernel_explains_every_slip_and_keeps_no_stale_answer(kernel: Kernel) -> None:
    exercise = kernel.notebook.stem
    key = load_key(exercise)
    # An answer run before the set-up cell is read too (the environment's kernels load the reader).
    first = next(q for q in questions(exercise).values())
    _plain(kernel.run_cell(f"{first.name} = {first.answer}", part=first.name))
    _plain(kernel.run_cell(grade_id="setup"))
    for q in questions(exercise).values():
        check = next(c for c in kernel.cells if c["metadata"].get("coproduction", {}).get("check") == q.name)
        right = f"{q.name} = {json.dumps(q.answer)}"
        for typed in _slipped(exercise, q.name):
            assert "right." in kernel.run_cell(right, part=q.name) + kernel.run(''.join(check["source"]),
                                                                               check["id"])
            said = kernel.run_cell(typed, part=q.name)
            _plain(said)
            assert "Not read yet" in said, (typed, said)
            verdict = kernel.run("".join(check["source"]), check["id"])
            _plain(verdict)
            assert "not answered yet" in verdict and "right." not in verdict, (typed, verdict)
        assert core_part(check["metadata"]["nbgrader"]["grade_id"], key) == q.name


@pytest.mark.slow
def test_a_check_says_when_the_page_shows_another_answer_than_the_one_run(kernel: Kernel) -> None:
    q = next(iter(questions(kernel.notebook.stem).values()))
    check = "".join(kernel.cell(check=q.name)["source"])
    kernel.run_cell(grade_id="setup")
    kernel.run_cell(f"{q.name} = {json.dumps(q.answer)}", part=q.name)
    # The course's JupyterLab extension sends what the page shows just before the check runs.
    page = {q.name: f"{q.name} = {json.dumps(q.answer)}  # and then I changed it"}
    kernel.run(f"__import__('coproduction.answering').answering.page_shows({page!r})")
    said = kernel.run(check, kernel.cell(check=q.name)["id"])
    _plain(said)
    assert "has not been run since you changed it" in said, said
    # Another cell setting the name is not taken for the answer the answer cell shows.
    kernel.run(f"{q.name} = None", "a-cell-the-learner-added")
    said = kernel.run(check, kernel.cell(check=q.name)["id"])
    assert "set by another cell" in said, said
