"""The published book in a real browser, offline: every page of the table of
contents loads with no errors from its own assets, passes axe-core at
desktop and phone widths, names its images, works from the keyboard, and
its search finds every module. Each page is opened once per width and every
check runs on it. Screenshots of the landing page and each module go to
``test-output/book/<width>/``.

Every request that leaves localhost is blocked, as if every CDN were down:
the text, figures and navigation must still work.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urldefrag, urlparse

import pytest
import yaml

from coproduction.modules import MODULES as REGISTRY

from ..conftest import ROOT
from .conftest import OUTPUT

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def toc_pages() -> list[str]:
    """Every page in the table of contents, as a path in the built site."""
    toc = yaml.safe_load((ROOT / "book" / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f + ".html" for f in files]  # index.html only redirects to the root page


PAGES = toc_pages()
# A term the search must find on each module page, and only that module teaches (from the registry).
SEARCH_TERMS = {m.slug: m.search_term for m in REGISTRY}
MODULES = list(SEARCH_TERMS)


class Visit:
    """A browser tab with the network cut off beyond localhost, in which
    pages open one after another (as a reader follows links: each page is a
    new document, with only its own errors counted)."""

    def __init__(self, context: Any, base: str) -> None:
        self.base = base
        self.page = context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"{m.text} @ {m.location}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("requestfailed", lambda r: self.failed.append(r.url))

    def open(self, path: str) -> Any:
        # "load": the page, its scripts, styles and images are in. (Waiting
        # for the network to be quiet as well costs 0.6 s a page, and what a
        # script fetches later is still heard: errors are read last.)
        self.errors.clear()
        self.failed.clear()
        self.page.goto(f"{self.base}/{path}", wait_until="load")
        return self.page

    def own_errors(self) -> list[str]:
        """Errors caused by the book's own assets, not by the blocked outside world."""
        local = [e for e in self.errors if "127.0.0.1" in e or "@ {'url': ''" in e]
        return [e for e in local if "net::ERR_FAILED" not in e] + [
            u for u in self.failed if u.startswith(self.base)
        ]


@pytest.fixture(scope="module")
def tabs(chromium: Any, book_server: str) -> Iterator[dict[str, Visit]]:
    """One offline tab per width, kept open for every page (a new browser
    context per page costs twice the time and finds nothing more)."""
    contexts = {width: chromium.new_context(viewport=viewport) for width, viewport in VIEWPORTS.items()}
    try:
        visits = {}
        for width, context in contexts.items():
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(book_server)
                          else route.abort())
            visits[width] = Visit(context, book_server)
        yield visits
    finally:
        for context in contexts.values():
            context.close()


@pytest.fixture(params=list(VIEWPORTS))
def offline(request: pytest.FixtureRequest, tabs: dict[str, Visit]) -> tuple[str, Visit]:
    return request.param, tabs[request.param]


#: The pages walked from the keyboard and photographed for review: the landing page and each module.
SHOWN = [PAGES[0]] + [f"course/{m}.html" for m in MODULES]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_with_text_figures_and_navigation(offline: tuple[str, Visit], path: str,
                                                             axe_source: str) -> None:
    """Each page at each width, opened once: its text, images and navigation
    show; axe-core finds nothing serious; every image is named and every
    figure captioned; on the pages in ``SHOWN`` a screenshot is kept for
    review and (at desktop width) the keyboard reaches everything in order."""
    width, visit = offline
    page = visit.open(path)
    assert len(page.locator("main").inner_text()) > 300, "the page's text shows"
    broken = page.evaluate("() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
                           ".map(i => i.alt.slice(0, 60))")
    assert not broken, f"images that did not load: {broken}"
    toc_links = page.evaluate("() => [...document.querySelectorAll('.bd-sidebar-primary a')]"
                              ".map(a => a.getAttribute('href') || '')")
    for module in MODULES:
        here = module in path  # the current page links to itself as "#"
        assert here or any(module in href for href in toc_links), f"the navigation links to {module}"
    if path in SHOWN:
        shot = OUTPUT / "book" / width / f"{SHOWN.index(path) + 1:02d}-{Path(path).stem}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000

    # axe-core: no serious or critical violation.
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, f"{path} at {width} width: {serious}"

    # Every image is named, never by its file name; every figure has a caption.
    images = page.evaluate(
        "() => [...document.images].map(i => ({alt: i.getAttribute('alt'), src: i.src.slice(-40),"
        " decorative: i.getAttribute('role') === 'presentation' || i.getAttribute('aria-hidden') === 'true'}))"
    )
    for image in images:
        if image["decorative"]:
            continue
        alt = (image["alt"] or "").strip()
        assert alt, f"{path}: image without alt text ({image['src']})"
        assert not re.search(r"\.(png|svg|jpe?g|gif)\b", alt, re.I), f"{path}: alt text is a file name: {alt}"
    uncaptioned = page.evaluate("() => [...document.querySelectorAll('figure')].filter(f => "
                                "!f.querySelector('figcaption') || !f.querySelector('figcaption').innerText.trim())"
                                ".length")
    assert uncaptioned == 0, f"{path}: {uncaptioned} figure(s) without a caption"
    if width == "desktop" and path in SHOWN:
        _keyboard_reaches_navigation_search_and_every_link_in_order(page)
    assert not visit.own_errors(), visit.own_errors()  # last: whatever the page's scripts fetched meanwhile


def _keyboard_reaches_navigation_search_and_every_link_in_order(page: Any) -> None:
    page.wait_for_load_state("networkidle")  # the theme's scripts have settled what is shown
    # Every focusable link in the text gets its place in document order. Which of them are visible
    # depends on where the page is scrolled (the "On this page" list opens a section's sub-entries
    # as focus reaches it), so the links visible when the page opens must all be reached, and
    # everything reached must come in document order.
    visible = page.evaluate(
        """() => [...document.querySelectorAll('main a[href]')].filter(a => a.tabIndex >= 0)
            .map((a, i) => { a.dataset.order = i; return a; })
            .filter(a => a.checkVisibility({visibilityProperty: true, opacityProperty: false}))
            .map(a => Number(a.dataset.order))"""
    )
    seen: list[dict[str, Any]] = []
    for _ in range(len(visible) + 120):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const e = document.activeElement; const s = getComputedStyle(e);
                const again = e.dataset.walked === 'yes'; e.dataset.walked = 'yes';
                return {href: e.href || null, tag: e.tagName, inMain: !!e.closest('main'), again: again,
                        order: e.dataset.order === undefined ? null : Number(e.dataset.order),
                        inToc: !!e.closest('.bd-sidebar-primary'),
                        search: e.classList.contains('search-button__button'),
                        visible: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
                                 || (s.boxShadow && s.boxShadow !== 'none')};
            }"""
        )
        if focused["tag"] == "BODY" or focused["again"]:  # out of the page, or round to its start again
            break
        seen.append(focused)
    assert any(f["inToc"] for f in seen), "Tab reaches the table of contents"
    assert any(f["search"] for f in seen), "Tab reaches search"
    invisible = [f for f in seen if not f["visible"]]
    assert not invisible, f"focus is not visible on: {invisible[:3]}"
    reached = [f["order"] for f in seen if f["inMain"] and f["order"] is not None]
    assert reached == sorted(set(reached)), "Tab reaches the page's links once each, in order"
    missed = sorted(set(visible) - set(reached))
    assert not missed, f"Tab never reaches the links numbered {missed} in the page's text"


def test_internal_links_and_anchors_resolve(site: Path) -> None:
    ids: dict[Path, set[str]] = {}
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    for html_page in pages:
        ids[html_page] = set(re.findall(r'\sid="([^"]+)"', html_page.read_text(encoding="utf-8")))
    broken = []
    for html_page in pages:
        text = html_page.read_text(encoding="utf-8")
        for href in re.findall(r'<a\s[^>]*href="([^"]+)"', text):
            if urlparse(href).scheme in ("http", "https", "mailto", "javascript") or href.startswith("//"):
                continue
            target, anchor = urldefrag(href)
            path = (html_page.parent / target).resolve() if target else html_page
            if target and not path.exists():
                broken.append(f"{html_page.relative_to(site)} -> {href}")
            elif anchor and path.suffix == ".html" and anchor not in ids.get(path, set()):
                broken.append(f"{html_page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, broken[:10]


@pytest.mark.parametrize("module", MODULES)
def test_search_finds_each_module(tabs: dict[str, Visit], module: str) -> None:
    page = tabs["desktop"].open(f"search.html?q={SEARCH_TERMS[module]}")
    page.wait_for_selector("#search-results li", timeout=15_000)
    hrefs = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
    assert any(f"course/{module}.html" in h for h in hrefs), hrefs


def test_module_pages_offer_launch_buttons_and_live_code(site: Path) -> None:
    config = yaml.safe_load((ROOT / "book" / "_config.yml").read_text())
    assert config["launch_buttons"]["binderhub_url"] and config["launch_buttons"]["thebe"]
    for module in MODULES:
        page = (site / "course" / f"{module}.html").read_text(encoding="utf-8")
        assert "mybinder.org/v2/gh/" in page, f"{module}: Binder button"
        assert "initThebe" in page or "thebe-launch-button" in page, f"{module}: live code button"


def test_the_facilitators_guide_prints_without_navigation(chromium: Any, book_server: str, tmp_path: Path) -> None:
    """Printed from the browser, the guide is its own text at full width: no sidebars, header or buttons."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{book_server}/book/facilitators.html", wait_until="networkidle")
        page.emulate_media(media="print")
        shown = page.evaluate("""() => ['.bd-header', '.bd-sidebar-primary', '.bd-sidebar-secondary', '.bd-footer',
                                         '.prev-next-area'].filter(s => [...document.querySelectorAll(s)]
                                         .some(e => getComputedStyle(e).display !== 'none'))""")
        assert not shown, f"printed with navigation: {shown}"
        main = page.locator("main").bounding_box()
        assert main and main["width"] > 900, "the guide uses the printed page's width"
        assert "Module 5: Putting it into practice" in page.locator("main").inner_text()
        pdf = tmp_path / "facilitators.pdf"
        page.pdf(path=str(pdf))
        assert pdf.stat().st_size > 10_000
    finally:
        context.close()
