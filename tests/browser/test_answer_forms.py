"""Every core part answered by choosing, in a real JupyterLab, then graded.

For each exercise, a learner opens their copy as ``make lab`` makes it, runs
the page (Run All Cells, as module 0 says), and answers every core part in
its form: odd parts with the mouse, even parts with the keyboard alone (the
arrow keys, Space, Tab and Enter, from the form's first control). Each check
under a form says the part is right, with nothing of Python on screen. Then
they save, restart the kernel and run everything again: every form still
shows its answer and every check still says right. The saved notebook is
then graded by real ``nbgrader autograde`` and by the cohort pipeline, each
to full core marks. Screenshots go to ``test-output/forms/<exercise>/``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.grade import Settings, autograde
from coproduction.nbgrader_tools import nbgrader

from ..conftest import ROOT, copy_course
from ..submissions import core_parts, questions
from ..submissions.cohort import ASSIGNMENTS, points
from .conftest import OUTPUT, Lab, Shots
from .test_learner_path import CELL, VISIBLE, _menu, _reveal, _save, _wait_idle, _wait_kernel

#: What a learner must never see on the page of an exercise.
PYTHON = ("Traceback", "Error", "Cell In[", "NameError", "SyntaxError")


def _form(page: Any, title: str) -> Any:
    return _reveal(page, page.locator(f"{VISIBLE} .cp-answer").filter(has_text=f"{title}: your answer"))


def _check_of(form: Any) -> Any:
    """The check cell under a form's answer cell."""
    return form.locator(f"xpath=ancestor::div[{CELL}][1]/following-sibling::div[{CELL}][1]")


def _verdict(form: Any, words: str, timeout: float = 30.0) -> str:
    check = _check_of(form)
    deadline = time.monotonic() + timeout
    while True:
        said = check.locator(".jp-OutputArea").inner_text()
        if words in said or time.monotonic() > deadline:
            return said
        time.sleep(0.1)


def _number(value: object) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)  # type: ignore[arg-type]


def answer_with_mouse(page: Any, form: Any, q: Any) -> None:
    if q.kind == "choice":
        form.get_by_label(q.answer, exact=True).check()
        return
    if q.kind == "several":
        for option in q.options:
            box = form.get_by_label(option, exact=True)
            box.set_checked(option in q.answer)
    else:
        field = form.get_by_label("Your number")
        field.click()
        field.fill(f"{_number(q.answer)}.00")  # as a price is written
    form.get_by_role("button", name="Check my answer").click()


def answer_with_keyboard(page: Any, form: Any, q: Any) -> None:
    """From the form's first control on, keys only."""
    form.locator("input").first.focus()
    if q.kind == "choice":
        target = list(q.options).index(q.answer)
        page.keyboard.press("Space")  # chooses the focused option (the first)
        for _ in range(target):
            page.keyboard.press("ArrowDown")
        return
    if q.kind == "several":
        for option in q.options:
            if option in q.answer:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
    else:
        page.keyboard.type(f"£{_number(q.answer)}")  # with the pound sign people type
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # on "Check my answer"


def _autograded_core(saved: Path, exercise: str, release: Path, work: Path) -> float:
    """The saved notebook's core points under real nbgrader autograde."""
    course = copy_course(work / "nbgrader")
    (course / ".nbgrader").mkdir()
    shutil.copy(release / "gradebook.db", course / ".nbgrader" / "gradebook.db")
    target = course / ".nbgrader" / "submitted" / "learner" / exercise / f"{exercise}.ipynb"
    target.parent.mkdir(parents=True)
    shutil.copy(saved, target)
    nbgrader("autograde", exercise, "--force", cwd=course)
    with Gradebook(f"sqlite:///{course / '.nbgrader' / 'gradebook.db'}") as gb:
        grades = gb.find_submission(exercise, "learner").notebooks[0].grades
        return sum(g.auto_score or 0 for g in grades if g.name in core_parts(exercise))


def _pipeline_core(saved: Path, exercise: str, work: Path) -> float:
    """The saved notebook's core points in the cohort pipeline."""
    roster = work / "roster.csv"
    roster.write_text("id\nlearner\n", encoding="utf-8")
    ws = create_cohort(work / "workspace", roster, ROOT)
    uploads = work / "uploads" / "learner"
    uploads.mkdir(parents=True)
    shutil.copy(saved, uploads / f"{exercise}.ipynb")
    collect(ws, exercise, uploads.parent)
    try:
        row = next(r for r in autograde(ws, [exercise], Settings(workers=1)) if r.learner == "learner")
        return row.kinds["core"][0]
    finally:
        ws.close()


@pytest.mark.parametrize("exercise", sorted(ASSIGNMENTS))
def test_every_core_part_is_answered_by_choosing_and_graded_in_full(
        lab: Lab, chromium: Any, release: Path, tmp_path: Path, exercise: str) -> None:
    shots = Shots(OUTPUT / "forms" / exercise)
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    relative = f"my-work/{exercise}/{exercise}.ipynb"
    try:
        page.goto(lab.page_url(f"/lab/tree/{relative}") + "&reset")  # this notebook alone, not the tabs of the last test
        page.wait_for_selector(f"{VISIBLE} .cp-answer", timeout=60_000)
        _wait_kernel(page)
        _menu(page, "Run", "Run All Cells")
        _wait_idle(page)
        bank = list(questions(exercise).values())
        for index, q in enumerate(bank):
            form = _form(page, q.title)
            (answer_with_keyboard if index % 2 else answer_with_mouse)(page, form, q)
            said = _verdict(form, f"{q.title}: right.")
            assert f"{q.title}: right." in said, (q.name, said)
            assert not any(word in said for word in PYTHON), said
            if index < 2:
                shots.take(page, f"part-{index + 1}-{'keyboard' if index % 2 else 'mouse'}")
        _save(page)

        # A restart loses nothing: the forms show the answers and the checks pass again.
        _menu(page, "Kernel", "Restart Kernel and Run All Cells…")
        page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
        _wait_idle(page)
        for q in bank:
            form = _form(page, q.title)
            if q.kind == "number":
                assert float(form.get_by_label("Your number").input_value()) == float(q.answer)
            else:
                chosen = [o for o in q.options if form.get_by_label(o, exact=True).is_checked()]
                assert chosen == [o for o in q.options if o in ([q.answer] if q.kind == "choice" else q.answer)]
            assert f"{q.title}: right." in _verdict(form, f"{q.title}: right.")
        shots.take(page, "after-restart")
        page_text = page.locator(VISIBLE).inner_text()
        assert not any(word in page_text for word in ("Traceback", "Cell In[", "NameError")), "no Python shown"
        _save(page)
    except BaseException:
        shots.take(page, "stopped-here")
        raise
    finally:
        context.close()

    saved = tmp_path / f"{exercise}.ipynb"
    shutil.copy(lab.root / relative, saved)
    nbformat.validate(nbformat.read(saved, as_version=4))
    full = sum(points(exercise)[p] for p in core_parts(exercise))
    assert _autograded_core(saved, exercise, release, tmp_path) == full
    assert _pipeline_core(saved, exercise, tmp_path) == full
