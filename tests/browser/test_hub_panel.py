"""A learner on the hub, in a real browser: sign in, open JupyterLab's
Assignments panel, fetch the exercise the trainer handed out, submit it
(issue 20). ``tests/test_hub.py`` runs the whole loop through the same
server calls; this checks that the panel a learner sees does it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from coproduction.cohort.collect import create_cohort
from coproduction.cohort.exchange import hand_out, inbound
from coproduction.hub.home import COURSE_FOLDER
from coproduction.hub.server import Hub

from ..conftest import ROOT
from .conftest import OUTPUT, Shots

LEARNER = "dee"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("hub-panel")
    hub = Hub(base / "hub", port=0, learners=(LEARNER,), trainers=("trainer",)).start()
    try:
        roster = base / "roster.csv"
        roster.write_text(f"id\n{LEARNER}\n", encoding="utf-8")
        ws = create_cohort(base / "workspace", roster, ROOT, exchange=hub.state / "exchange")
        hand_out(ws, ["ladder"])
        yield {"hub": hub, "ws": ws}
        ws.close()
    finally:
        hub.stop()
    assert not hub.leftovers()


def test_a_learner_fetches_and_submits_from_the_assignments_panel(chromium: Any, hub: dict[str, Any]) -> None:
    shots = Shots(OUTPUT / "hub")
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(hub["hub"].url + "/hub/login")
    page.fill("#username_input", LEARNER)
    page.fill("#password_input", hub["hub"].password)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{LEARNER}/lab**", timeout=120_000)  # the server starts, JupyterLab opens
    # It opens on the course's first page, in the learner's own copy.
    page.locator(".lm-TabBar-tabLabel", has_text="00-start-here.ipynb").wait_for(timeout=60_000)
    notebook = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook")
    notebook.wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook')"
                           ".innerText.includes('Start here')", timeout=60_000)
    page.get_by_role("menuitem", name="Nbgrader").click(timeout=60_000)
    page.get_by_role("menuitem", name="Assignment List").click()
    released = page.locator("#released_assignments_list")
    released.get_by_text("ladder").wait_for(timeout=60_000)
    shots.take(page, "released")
    for instructor_tool in ("Create Assignment", "Formgrader", "Course List"):
        assert not page.get_by_text(instructor_tool, exact=True).count(), f"a learner sees {instructor_tool}"
    released.get_by_role("button", name="Fetch").click()
    fetched = page.locator("#fetched_assignments_list")
    fetched.get_by_role("button", name="Submit").wait_for(timeout=60_000)
    mine = hub["hub"].state / "home" / LEARNER / COURSE_FOLDER / "my-work" / "ladder" / "ladder.ipynb"
    assert mine.is_file(), "Fetch puts the exercise in my-work/, where make lab would"
    shots.take(page, "fetched")
    fetched.get_by_role("button", name="Submit").click()
    page.locator("#submitted_assignments_list").get_by_text("ladder").first.wait_for(timeout=60_000)
    shots.take(page, "submitted")
    submitted = inbound(hub["ws"], "ladder")
    assert [s.learner for s in submitted] == [LEARNER] and (submitted[0].folder / "ladder.ipynb").is_file()
    context.close()
