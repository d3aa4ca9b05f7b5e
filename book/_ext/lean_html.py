"""Sphinx extension: drop the search scripts from pages that cannot use them.

The theme (pydata-sphinx-theme) loads Sphinx's search tools and the whole
search index on every page, for search-as-you-type. The book leaves that
off (its search box opens the search page), so on every page but the search
page the three scripts are dead weight: the index alone grows with every
page of the course. Removing them keeps each page's download down; the
benchmark ``make bench`` reports the page weights.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*_static/searchtools\.js[^"]*"></script>'
    r'\s*<script src="[^"]*_static/language_data\.js[^"]*"></script>'
    r'\s*<script src="[^"]*searchindex\.js[^"]*"></script>'
)


def _lean(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    if app.config.html_theme_options.get("search_as_you_type"):
        return  # then every page needs them
    for page in Path(app.outdir).rglob("*.html"):
        if page.name == "search.html":
            continue
        text = page.read_text(encoding="utf-8")
        lean = SEARCH_SCRIPTS.sub("", text)
        if lean != text:
            page.write_text(lean, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", _lean)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
