"""Formgrader is safe to open (issue 34): a hostile learner's written
answers, outputs and figures never run script in the trainer's browser,
neither as the cohort pipeline grades them nor as plain nbgrader would
leave them (the page's Content Security Policy stops what gets through),
and Formgrader itself still works.

Every payload, if it ran, would open a dialog and mark the page; the test
watches for both, in real Chromium.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.grade import Settings, autograde
from coproduction.cohort.workspace import COURSE_ID

from ..conftest import ROOT
from .conftest import OUTPUT
from ..submissions import fill
from ..submissions.cohort import ASSIGNMENTS

RUN = "alert(1);document.documentElement.dataset.pwned='yes'"
#: Each kind of payload the issue names, as markdown a learner writes.
MARKDOWN = "\n\n".join([
    f"<script>{RUN}</script>",
    "<iframe src=\"javascript:parent.alert(2)\"></iframe>",
    f"<img src=x onerror=\"{RUN}\">",
    f"<details open ontoggle=\"{RUN}\"><summary>more</summary>x</details>",
    f"<svg onload=\"{RUN}\"><circle r=5 /></svg>",
    f"[click me](javascript:{RUN})",
    f"![figure](javascript:{RUN})",
])
#: Answer-cell code whose outputs carry HTML and a PNG that breaks out of its attribute.
OUTPUTS = f'''
from IPython.display import display, HTML
display(HTML("<img src=x onerror=\\"{RUN}\\"><script>{RUN}</script>"))
display({{"image/png": 'AAAA" onerror="{RUN}', "text/plain": "figure"}}, raw=True)
print("<svg onload=\\"{RUN}\\"></svg>")
'''


def _formgrader(ws_root: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "coproduction.cli", "formgrader", str(ws_root)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    shown, deadline = "", time.monotonic() + 120
    assert process.stdout is not None
    while time.monotonic() < deadline:
        shown += process.stdout.readline()
        found = re.search(r"(http://\S+)/formgrader\?token=(\S+)", shown)
        if found:
            return process, found.group(0)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"Formgrader did not start:\n{shown}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    ladder = ASSIGNMENTS["ladder"]
    base = tmp_path_factory.mktemp("formgrader")
    roster = base / "roster.csv"
    roster.write_text("id,first_name,last_name\nH01,Hana,Okafor\nH02,Sam,Jones\n", encoding="utf-8")
    ws = create_cohort(base / "workspace", roster, ROOT)
    answers = dict(ladder.learners["solution"].answers())
    answers["q1_answer"] = answers["q1_answer"] + "\n" + OUTPUTS
    written = {grade_id: MARKDOWN for grade_id in ladder.written}
    archive = base / "ladder.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("ladder/H01_ladder.ipynb", nbformat.writes(fill(ladder.release, answers, written)))
    collect(ws, "ladder", archive)
    autograde(ws, ["ladder"], Settings(workers=1, timeout=30))
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        submission = gb.find_submission_notebook("ladder", "ladder", "H01").id
    process, address = _formgrader(ws.root)
    try:
        yield ws, address, submission
    finally:
        process.terminate()
        process.wait(timeout=30)
        ws.close()


def _open(chromium, address: str, submission: str, shot: str) -> dict:  # type: ignore[no-untyped-def]
    """Open the submission in Formgrader as a trainer; what ran and what the page holds
    (a screenshot for people to review goes to test-output/formgrader/)."""
    context = chromium.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(address)  # signs in with the token, as the printed address does
    base = address.split("/formgrader")[0]
    page.goto(f"{base}/formgrader/submissions/{submission}/")
    page.wait_for_selector("input.score", state="attached", timeout=30_000)
    page.wait_for_timeout(1500)  # time for anything injected to run
    (OUTPUT / "formgrader").mkdir(parents=True, exist_ok=True)
    page.locator(".text_cell .nbgrader_cell").first.screenshot(  # the written answer
        path=str(OUTPUT / "formgrader" / f"{shot}.png"))
    seen = {
        "dialogs": dialogs,
        "pwned": page.evaluate("document.documentElement.dataset.pwned || ''"),
        "html": page.content(),
        "blocked": [m for m in console if "Content Security Policy" in m],
        "console": console,
        # Formgrader's own scripts ran: its libraries are loaded and its views put the autograder's scores in.
        "working": page.evaluate("typeof Backbone === 'object' && typeof jQuery === 'function'"),
        "scores": page.evaluate("Array.from(document.querySelectorAll('input.score')).map(i => i.placeholder)"),
    }
    context.close()
    return seen


def test_hostile_answers_and_outputs_run_no_script_in_formgrader(hostile, chromium) -> None:  # type: ignore[no-untyped-def]
    ws, address, submission = hostile
    seen = _open(chromium, address, submission, "graded-by-the-pipeline")
    assert not seen["dialogs"] and not seen["pwned"], seen["dialogs"]
    assert seen["working"] and any(seen["scores"]), ("Formgrader's own scripts did not run", seen["console"])
    # The learner's words are there, as text: the trainer can read what was written.
    assert "&lt;script&gt;alert(1)" in seen["html"] or "&lt;script>alert(1)" in seen["html"]


def test_the_policy_stops_what_plain_nbgrader_would_leave(hostile, chromium) -> None:  # type: ignore[no-untyped-def]
    """The same payloads written raw into the autograded copy, as nbgrader's
    own autograde leaves a learner's markdown and outputs: the page holds
    them, and its Content Security Policy refuses to run them."""
    ws, address, submission = hostile
    path = ws.autograded("H01", "ladder") / "ladder.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            cell.source = MARKDOWN
        if cell.cell_type == "code" and meta.get("grade_id") == "q1_answer":
            cell.outputs = [nbformat.v4.new_output("display_data", data={
                "text/html": f"<img src=x onerror=\"{RUN}\"><script>{RUN}</script>", "text/plain": "x"})]
    nbformat.write(nb, path)
    seen = _open(chromium, address, submission, "raw-as-nbgrader-leaves-it")
    assert "onerror" in seen["html"] and "ontoggle" in seen["html"], "the raw payloads are not on the page"
    assert not seen["dialogs"] and not seen["pwned"], seen["dialogs"]
    assert seen["blocked"], "Chromium reported no blocked script: the policy did not apply"
    assert seen["working"], "Formgrader's own scripts did not run under the policy"
    json.dumps(seen["blocked"])  # the console messages are plain text
