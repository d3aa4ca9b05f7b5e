"""Each course page in JupyterLab reads like its page in the book.

A learner opens every module as ``make lab`` serves it and scrolls from top
to bottom, as a reader does (JupyterLab draws only the cells near the screen).
Every code cell the book hides (``remove-input``, ``remove-cell``,
``hide-input``) is a folded grey bar with its plain label, not code; every
citation shows the book's label ("Arnstein, 1969") instead of a raw key and
MyST's "Citation Not Found" mark; every glossary term opens its definition.
Opening a citation shows its full reference. Screenshots go to
``test-output/pages/``.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from coproduction.lab import book_data

from ..conftest import ROOT, read_nb
from .conftest import OUTPUT, Lab, Shots
from .test_learner_path import VISIBLE, _menu, _open_from_file_browser

HIDDEN_BY_THE_BOOK = {"remove-input", "remove-cell", "hide-input"}
PAGES = sorted(p.name for p in (ROOT / "course").glob("*.ipynb"))

# What each cell drawn on screen shows, by its place in the notebook.
DRAWN = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')]
  .filter(cell => cell.dataset.windowedListIndex !== undefined && cell.offsetParent !== null)
  .map(cell => ({
    index: Number(cell.dataset.windowedListIndex),
    code: cell.classList.contains('jp-CodeCell'),
    folded: !!cell.querySelector('.jp-InputPlaceholder'),
    editor: !!cell.querySelector('.jp-InputArea .cm-editor'),
    label: getComputedStyle(cell).getPropertyValue('--cp-label'),
    rawCites: [...cell.querySelectorAll('.cite-group:not(.cp-resolved)')].length,
    rawTerms: [...cell.querySelectorAll('a.hover-link:not(.cp-resolved)')].length,
    notFound: [...cell.querySelectorAll('[title="Citation Not Found"]')].filter(n => n.offsetParent !== null).length,
    cites: [...cell.querySelectorAll('.cp-cite-button')].map(b => b.textContent),
    terms: cell.querySelectorAll('.cp-term-button').length,
  }))"""


def _read_every_cell(page: Any, count: int) -> dict[int, dict[str, Any]]:
    """Scroll from the top to the bottom, noting every cell as it is drawn and
    its citations and terms once the extension has shown them as the book does."""
    notebook = page.locator(f"{VISIBLE} .jp-WindowedPanel-outer").first
    box = notebook.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    seen: dict[int, dict[str, Any]] = {}
    for _ in range(400):
        for _attempt in range(20):  # the book's labels arrive just after a cell is drawn
            drawn = page.evaluate(DRAWN)
            if all(not c["rawCites"] and not c["rawTerms"] for c in drawn):
                break
            page.wait_for_timeout(100)
        seen.update({c["index"]: c for c in drawn})
        if len(seen) >= count and max(seen) == count - 1:
            break
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(120)
    return seen


@pytest.fixture(scope="module")
def tab(lab: Lab, chromium: Any) -> Iterator[Any]:
    """One reader's tab, kept from page to page."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    try:
        page.goto(lab.page_url("/"))
        page.wait_for_selector(f"{VISIBLE} .jp-Notebook", timeout=60_000)
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES, ids=lambda n: n.removesuffix(".ipynb"))
def test_a_course_page_reads_like_the_book(tab: Any, name: str) -> None:
    shots = Shots(OUTPUT / "pages" / name.removesuffix(".ipynb"))
    nb = read_nb(ROOT / "course" / name)
    page = tab
    try:
        _menu(page, "File", "Close All Tabs")
        page.wait_for_timeout(300)
        while page.locator(".jp-Dialog").count():  # opening a page can mark it changed
            page.locator(".jp-Dialog").get_by_role("button", name="Discard").click()
            page.wait_for_timeout(300)
        _open_from_file_browser(page, f"course/{name}")
        shots.take(page, "opened")
        seen = _read_every_cell(page, len(nb.cells))
        assert sorted(seen) == list(range(len(nb.cells))), "every cell was drawn while scrolling"
        labels = {c["label"].strip().strip('"') for c in seen.values() if c["label"]}
        for index, cell in enumerate(nb.cells):
            shown = seen[index]
            if cell.cell_type == "code" and HIDDEN_BY_THE_BOOK & set(cell.metadata.get("tags", [])):
                assert shown["folded"] and not shown["editor"], (index, cell.source[:80])
                assert "hidden, as in the book" in shown["label"], shown
            assert not shown["rawCites"] and not shown["notFound"], (index, cell.source[:200])
            assert not shown["rawTerms"], (index, cell.source[:200])
        citations = {c["label"] for c in book_data(ROOT)["citations"].values()}
        shown_cites = [label for c in seen.values() for label in c["cites"]]
        assert shown_cites and set(shown_cites) <= citations, shown_cites
        assert sum(c["terms"] for c in seen.values()) > 0 or "{term}" not in "".join(
            c.source for c in nb.cells if c.cell_type == "markdown")
        assert labels, "the folded cells say what they hold"

        # Opening a citation shows its full reference, and closing it hides it again.
        button = page.locator(f"{VISIBLE} .cp-cite-button").first
        button.scroll_into_view_if_needed()
        button.click()
        assert button.get_attribute("aria-expanded") == "true"
        found = next(v for v in book_data(ROOT)["citations"].values() if v["label"] == button.inner_text())
        note = button.locator("xpath=following-sibling::span[@role='note'][1]")
        assert note.is_visible() and found["reference"] in " ".join(note.inner_text().split()), note.inner_text()
        shots.take(page, "citation-open")
        button.click()
        assert button.get_attribute("aria-expanded") == "false" and not note.is_visible()
    except BaseException:
        shots.take(page, "stopped-here")
        while page.locator(".jp-Dialog").count():
            page.keyboard.press("Escape")
            page.wait_for_timeout(300)
        raise
