"""Sphinx extension: fix the accessibility faults that Jupyter Book 1's theme
and extensions put on every page, so the book passes axe-core in a browser.

axe-core 4.14 reports, on the HTML as Jupyter Book 1.0.4 writes it:

* ``label-content-name-mismatch`` (serious) on the search field button, whose
  ``aria-label="Search"`` hides its visible text "Search Ctrl+K"; on the
  colour-mode button, whose icons carry visible titles; and on myst-nb's
  "Show code cell source" toggles, labelled "Toggle hidden content";
* ``aria-required-children`` (critical) on sphinxcontrib-bibtex's citation
  list, marked ``role="list"`` without list items.

The fixes are made to the written HTML when the build finishes, so they do not
depend on JavaScript running in the reader's browser. The browser tests in
``tests/browser`` run axe-core on every page and fail if any return.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

FIXES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Let the search field's visible text ("Search Ctrl+K") be its name.
    (re.compile(r'(<button class="btn search-button-field search-button__button[^"]*"[^>]*?) aria-label="Search"'),
     r"\1"),
    # Colour-mode icons are decoration; the button keeps its aria-label.
    (re.compile(r'(<i class="theme-switch [^"]*" data-mode="\w+")\s+title="[^"]*"'), r'\1 aria-hidden="true"'),
    # The toggle's visible text ("Show code cell source") names it.
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # A citation list holds citations, not list items.
    (re.compile(r'<div role="list" class="citation-list">'), '<div class="citation-list">'),
)


def fix_html(text: str) -> str:
    """Apply every fix to one page's HTML."""
    for pattern, replacement in FIXES:
        text = pattern.sub(replacement, text)
    return text


def _fix_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        original = page.read_text(encoding="utf-8")
        fixed = fix_html(original)
        if fixed != original:
            page.write_text(fixed, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _fix_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
