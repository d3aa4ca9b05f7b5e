"""The learner's path in a real JupyterLab, in a real browser.

For each module that has landed: JupyterLab starts the way ``make lab`` starts
it; the learner lands on the course, opens the module from the file browser,
runs every cell, plays the scenario with the mouse and the keyboard (and
types an entry it cannot use), opens the exercise, answers one part and
checks their work. On the first module's path the learner then presses
nbgrader's Validate button, saves, restarts the kernel, runs everything again
and opens their progress page: those steps work the same on every exercise,
and what they report for each exercise is checked exercise by exercise in
``tests/test_nbgrader.py`` (Validate) and ``tests/test_progress.py``.
Screenshots of each step go to ``test-output/lab/<module>/`` (and, if a
path fails, one of the screen where it stopped).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from coproduction.modules import MODULES, course_modules

from .conftest import OUTPUT, Lab, Shots


@dataclass(frozen=True)
class LearnerPath:
    """What one module's path needs: its files, one scenario's controls and
    one exercise answer. Adding a module means adding one of these."""

    module: str
    exercise: str
    scenario_result: str  # text in the scenario's output that names its result
    mouse_control: str
    mouse_choice: str
    after_mouse: str
    keyboard_control: str
    keyboard_key: str  # the arrow that moves the list to the new choice
    after_keyboard: str
    number_control: str
    invalid_entry: str
    message: str
    answer: str  # the core track's part 1, typed as a learner types it
    passing_check: str  # first line of the check the answer passes
    failing_check: str  # first line of a check still failing
    mouse_kind: str = "select"  # "select": choose mouse_choice from a list; "check": click a checkbox


PATHS = [
    LearnerPath(
        module="course/01-the-ladder.ipynb",
        exercise="my-work/ladder/ladder.ipynb",
        scenario_result="on the Spectrum of Participation",
        mouse_control="What response is invited from people?",
        mouse_choice="What do you think? (open views and ideas)",
        after_mouse="Engage",
        keyboard_control="Has the organisation already made the decision?",
        keyboard_key="ArrowUp",
        after_keyboard="Educate",
        number_control="How many sessions does each person join?",
        invalid_entry="0",
        message="sessions must be at least 1",
        answer='q1_type = "Educate"',
        passing_check="Checks part 1.",
        failing_check="Checks part 2.",
    ),
    LearnerPath(
        module="course/02-power-imbalance.ipynb",
        exercise="my-work/power/power.ipynb",
        scenario_result="Example (fictional):",
        mouse_control="Who holds responsibility for design (planning)?",
        mouse_choice="Professionals and service users / community as co-planners",
        after_mouse="Professional service provision but users / communities are involved",
        keyboard_control="Who holds responsibility for delivery?",
        keyboard_key="ArrowDown",
        after_keyboard="Full co-production",
        number_control="How many carers? (0–30)",
        invalid_entry="40",
        message="carers must be a whole number from 0 to 30",
        answer='q1_design = "shared"',
        passing_check="Checks part 1.",
        failing_check="Checks part 2.",
    ),
    LearnerPath(
        module="course/03-input-investment.ipynb",
        exercise="my-work/investment/investment.ipynb",
        scenario_result="strength of the relationship:",
        mouse_control="Which type of participation?",
        mouse_choice="Co-design",
        after_mouse="Co-design",
        keyboard_control="Which type of participation?",
        keyboard_key="ArrowDown",
        after_keyboard="Co-produce",
        number_control="Payment per hour (GBP)",
        invalid_entry="-5",
        message="payment per hour cannot be negative",
        answer='q1_add = ["payment for time", "travel", "care cover", "participant training"]',
        passing_check="Checks part 1.",
        failing_check="Checks part 2.",
    ),
    LearnerPath(
        module="course/04-evidence-backed-decisions.ipynb",
        exercise="my-work/evidence/evidence.ipynb",
        scenario_result="Proposal: Offer evening appointments",
        mouse_control="Routine appointment records",
        mouse_choice="",
        mouse_kind="check",
        after_mouse="Backed: independent sources agree",
        keyboard_control="Routine appointment records",
        keyboard_key="Space",
        after_keyboard="Promising but not yet backed",
        number_control="Group A: how many answered?",
        invalid_entry="0",
        message="The sample size n must be at least 1",
        answer='q1_survey = "cannot tell"',
        passing_check="Checks part 1.",
        failing_check="Checks part 2.",
    ),
    LearnerPath(
        module="course/05-putting-it-into-practice.ipynb",
        exercise="my-work/practice/practice.ipynb",
        scenario_result="Start with:",
        mouse_control="Recognition",
        mouse_choice="4: embedded",
        after_mouse="Accountability, Training, Implementation.",
        keyboard_control="Accountability",
        keyboard_key="ArrowDown",
        after_keyboard="Training, Implementation, Participation.",
        number_control="How many of the weakest areas to act on first? (1–8)",
        invalid_entry="9",
        message="show between 1 and 8 areas; got 9.",
        answer='q1_gap = "Recognition"',
        passing_check="Checks part 1.",
        failing_check="Checks part 2.",
    ),
]


def test_every_module_with_an_exercise_has_a_learner_path() -> None:
    declared = [(f"course/{m.slug}.ipynb", f"my-work/{m.exercise}/{m.exercise}.ipynb") for m in MODULES if m.exercise]
    assert [(p.module, p.exercise) for p in PATHS] == declared


VISIBLE = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on screen
CELL = "contains(concat(' ', normalize-space(@class), ' '), ' jp-Cell ')"  # an XPath test for a cell


def _same(a: object, b: object) -> bool:
    """Two answers alike, a list's order aside (the form writes options in its own order)."""
    return sorted(a) == sorted(b) if isinstance(a, list) and isinstance(b, list) else a == b


def _wait_idle(page: Any, timeout: float = 120_000) -> None:
    """Until the kernel is idle and no cell is still queued ("[*]"): a kernel
    that is slow to start reports idle before it runs what was queued."""
    page.wait_for_timeout(500)
    page.wait_for_selector(
        f"{VISIBLE} .jp-Notebook-ExecutionIndicator[data-status='idle']",
        timeout=timeout,
    )
    page.wait_for_function(
        """selector => ![...document.querySelectorAll(selector)].some(p => p.textContent.includes('*'))""",
        arg=f"{VISIBLE} .jp-InputArea-prompt",
        timeout=timeout,
    )


def _save(page: Any) -> None:
    """Save the notebook, as a learner presses Ctrl+S, and wait until it is on
    disk: JupyterLab marks a tab changed-but-unsaved until the server has it."""
    page.keyboard.press("Control+s")
    page.wait_for_function(
        "() => !document.querySelector('#jp-main-dock-panel .lm-TabBar-tab.jp-mod-dirty')", polling=100,
        timeout=30_000)


def _menu(page: Any, menu: str, item: str) -> None:
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _reveal(page: Any, locator: Any, attempts: int = 60) -> Any:
    """Scroll the notebook, as a reader does, until ``locator`` is on screen."""
    notebook = page.locator(f"{VISIBLE} .jp-WindowedPanel-outer").first
    box = notebook.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for direction in (-1, 1):
        for _ in range(attempts):
            if locator.count() and locator.first.is_visible():
                locator.first.scroll_into_view_if_needed()
                return locator.first
            page.mouse.wheel(0, direction * 700)
            page.wait_for_timeout(150)
    raise AssertionError(f"never found {locator} while scrolling the notebook")


def _open_from_file_browser(page: Any, path: str) -> None:
    page.locator(".jp-BreadCrumbs-home").first.click()
    for part in path.split("/"):
        page.locator(".jp-DirListing-item", has_text=part).first.dblclick()
    page.locator("#jp-main-dock-panel .lm-TabBar-tab", has_text=path.split("/")[-1]).first.wait_for()
    if path.endswith(".ipynb"):
        page.wait_for_selector(f"{VISIBLE} .jp-Notebook")
        _wait_kernel(page)


def _wait_kernel(page: Any, timeout: float = 120_000) -> None:
    """Until the notebook's kernel has started and is connected, as the status
    bar shows it ("Python 3 (ipykernel) | Idle"): before then JupyterLab's Run
    All asks which kernel to start and runs nothing."""
    page.wait_for_function(
        """() => /Python 3 \\(ipykernel\\) \\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText ?? '')""",
        timeout=timeout)


def _scenario_text(page: Any, path: LearnerPath, expect: str = "", timeout: float = 10.0) -> str:
    """The scenario's output as the learner reads it, once it starts with ``expect``."""
    result = page.locator(f"{VISIBLE} .widget-html-content").filter(
        has_text=path.scenario_result
    )
    deadline = time.monotonic() + timeout
    while True:
        text = _reveal(page, result).inner_text()
        if expect in text[:200] or time.monotonic() > deadline:
            return text
        page.wait_for_timeout(250)


def _saved(lab: Lab, relative: str) -> dict:
    return json.loads((lab.root / relative).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser_tab(lab: Lab, chromium: Any) -> Iterator[tuple[Any, str]]:
    """One learner's browser tab on JupyterLab, kept open from module to
    module as a learner keeps it (JupyterLab loads once), and the address
    opening JupyterLab landed on."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(lab.page_url("/"))
        page.wait_for_selector(f"{VISIBLE} .jp-Notebook", timeout=60_000)
        Shots(OUTPUT / "lab" / "00-landing").take(page, "landing")
        yield page, page.url
    finally:
        context.close()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: Path(p.module).stem)
def test_learner_path(lab: Lab, browser_tab: tuple[Any, str], path: LearnerPath) -> None:
    shots = Shots(OUTPUT / "lab" / Path(path.module).stem)
    page, landed = browser_tab
    try:
        # Opening JupyterLab landed on the course's first page.
        assert "/lab/tree/course/" in landed, landed
        _menu(page, "File", "Close All Tabs")  # start each module from the file browser
        page.wait_for_timeout(500)
        while page.locator(".jp-Dialog").count():  # opening a page can mark it changed
            page.locator(".jp-Dialog").get_by_role("button", name="Discard").click()
            page.wait_for_timeout(300)

        # Open the module from the file browser and run every cell.
        _open_from_file_browser(page, path.module)
        _menu(page, "Run", "Run All Cells")
        _wait_idle(page)
        _save(page)
        shots.take(page, "module-run")
        saved = _saved(lab, path.module)
        code = [c for c in saved["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] for c in code), "every code cell ran"
        errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
        assert not errors, errors

        # The scenario answers the mouse...
        before = _scenario_text(page, path)
        control = _reveal(page, page.locator(VISIBLE).get_by_label(path.mouse_control, exact=True))
        control.click()
        if path.mouse_kind == "select":
            control.select_option(label=path.mouse_choice)
            page.keyboard.press("Escape")
        after_mouse = _scenario_text(page, path, path.after_mouse)
        assert after_mouse != before and path.after_mouse in after_mouse[:200], after_mouse
        shots.take(page, "scenario-mouse")

        # ...the keyboard...
        control = _reveal(page, page.locator(VISIBLE).get_by_label(path.keyboard_control, exact=True))
        # JupyterLab's notebook shortcuts take plain arrow keys, so a keyboard
        # user opens the list with Alt+Down (the course tells learners so).
        control.focus()
        if path.keyboard_key == "Space":  # a checkbox
            page.keyboard.press("Space")
        else:
            page.keyboard.press("Alt+ArrowDown")
            page.wait_for_timeout(300)
            page.keyboard.press(path.keyboard_key)
            page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # and on to the next control
        after_keys = _scenario_text(page, path, path.after_keyboard)
        assert path.after_keyboard in after_keys[:200], after_keys
        shots.take(page, "scenario-keyboard")

        # ...and explains an entry it cannot use.
        number = _reveal(page, page.locator(VISIBLE).get_by_label(path.number_control, exact=True))
        number.click()
        number.fill(path.invalid_entry)
        number.press("Enter")
        alert = page.get_by_role("alert").filter(has_text=path.message)
        alert.wait_for(timeout=10_000)
        assert "Traceback" not in alert.inner_text()
        shots.take(page, "scenario-invalid")

        # Open the exercise and answer part 1 of the core track in its form, with the mouse.
        _open_from_file_browser(page, path.exercise)
        _wait_idle(page)
        value = ast.literal_eval(path.answer.split(" = ", 1)[1])
        form = _reveal(page, page.locator(f"{VISIBLE} .cp-answer").filter(has_text="Part 1: your answer"))
        if isinstance(value, str):
            form.get_by_label(value, exact=True).check()  # choosing one runs its check
        else:
            for option in value:
                form.get_by_label(option, exact=True).check()
            form.get_by_role("button", name="Check my answer").click()
        check_cell = form.locator(f"xpath=ancestor::div[{CELL}][1]/following-sibling::div[{CELL}][1]")
        check_cell.locator(".jp-OutputArea", has_text="Part 1:").wait_for(timeout=30_000)
        _wait_idle(page)
        said = check_cell.locator(".jp-OutputArea").inner_text()
        assert "Part 1: right." in said, said
        assert "Traceback" not in said and "Error" not in said, said
        part_2 = _reveal(page, page.locator(f"{VISIBLE} .cp-answer").filter(has_text="Part 2: your answer"))
        part_2.get_by_role("button", name="Check my answer").click()  # nothing given yet
        if part_2.get_by_label("Your number").count():  # the form itself asks for a number
            blank = part_2.get_by_role("status").inner_text()
            assert "Type the number in figures" in blank, blank
        else:  # a plain "not answered yet" from the check
            blank_cell = part_2.locator(f"xpath=ancestor::div[{CELL}][1]/following-sibling::div[{CELL}][1]")
            blank_cell.locator(".jp-OutputArea", has_text="Part 2:").wait_for(timeout=30_000)
            blank = blank_cell.locator(".jp-OutputArea").inner_text()
            assert "not answered yet" in blank and "NameError" not in blank, blank
        assert "Traceback" not in blank, blank
        shots.take(page, "exercise-answered")

        # Check my work: the last cell tables every part.
        last = _reveal(page, page.locator(f"{VISIBLE} .jp-CodeCell.cp-check").last)
        last.locator(".jp-InputPrompt").click()  # selects the collapsed cell
        page.keyboard.press("Shift+Enter")
        _wait_idle(page)
        table = last.locator("table.check-my-work")
        table.wait_for(timeout=30_000)
        report = last.locator(".jp-OutputArea").inner_text()
        assert "Core track: 1 of 5 parts right" in report, report[:500]
        assert "not answered yet" in table.inner_text() and "Traceback" not in report
        shots.take(page, "check-my-work")
        if path is not PATHS[0]:
            return  # the rest of the loop is the same for every exercise (see the module's docstring)
        _save(page)
        page.get_by_role("button", name="Validate").click()
        dialog = page.locator(".jp-Dialog")
        dialog.wait_for(timeout=120_000)
        page.wait_for_function(
            "() => /failed|Success/.test(document.querySelector('.jp-Dialog').innerText)",
            timeout=120_000,
        )
        report = dialog.inner_text()
        shots.take(page, "validate")
        assert "cell failed" in report, report[:500]
        assert path.failing_check in report, "the still-failing parts are reported"
        assert "not answered yet" in report and "Traceback" not in report, report[:1000]
        assert path.passing_check not in report, "the answered part passes"
        dialog.get_by_role("button").last.click()

        # Save, restart and run all: the work is still there and still passes.
        page.keyboard.press("Control+s")
        _menu(page, "Kernel", "Restart Kernel and Run All Cells…")
        page.locator(".jp-Dialog").get_by_role("button", name="Confirm Kernel Restart").click()
        _wait_idle(page)
        _save(page)
        shots.take(page, "restart-run-all")
        cells = _saved(lab, path.exercise)["cells"]
        answered = [c for c in cells if c["metadata"].get("coproduction", {}).get("part") == path.answer.split()[0]
                    and _same(ast.literal_eval("".join(c["source"]).split(" = ", 1)[1]), value)]
        assert answered, "the answer survived saving and restarting"
        check = next(c for c in cells if "".join(c["source"]).startswith(f'"""{path.passing_check}'))
        assert check["execution_count"], "the answered part's check ran again"
        assert not [o for o in check["outputs"] if o["output_type"] == "error"], check["outputs"]

        # My progress, made from the saved copy as `make progress` makes it, counts the part answered.
        subprocess.run([sys.executable, "-m", "coproduction.progress", "--root", str(lab.root)], check=True,
                       capture_output=True, timeout=300)
        _open_from_file_browser(page, "my-work/my-progress.html")
        body = page.frame_locator(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe").locator("body")
        body.wait_for(timeout=30_000)
        shown = " ".join(body.inner_text().split())
        shots.take(page, "my-progress")
        module = next(m.name for m in course_modules(lab.root) if m.exercise == Path(path.exercise).stem)
        assert f"{module} Core track: 1 of 5 parts pass." in shown, shown[:800]
        assert "Nothing on this page is sent anywhere" in shown
    except BaseException:
        shots.take(page, "stopped-here")  # the screen where the path failed
        while page.locator(".jp-Dialog").count():  # a path that stopped half-way leaves the next a clean tab
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
        raise
