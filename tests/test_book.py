"""The web book builds from scratch (notebooks executed, warnings as
errors) and shows what the public needs without leaking what it must not."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from coproduction.ladder import ARNSTEIN_RUNGS, COPRODUCTION_STEPS, SPECTRUM_TYPES
from coproduction.modules import MODULES, declared
from coproduction.nbgrader_tools import LEAK_MARKERS, secret_lines

from .conftest import ROOT, read_nb

pytestmark = pytest.mark.slow


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_every_toc_page_is_built(site: Path) -> None:
    for page in ("index.html", *(f"course/{m}.html" for m in MODULE_PAGES), "book/glossary.html",
                 "book/references.html", "book/trainers.html", "book/facilitators.html", "book/about.html"):
        assert (site / page).is_file(), page
    assert not list(site.rglob("solutions")), "solutions must never be built"
    assert not list(site.rglob("exercises")), "exercises are not book pages"


def test_module_page_shows_all_three_ladders_in_full(site: Path) -> None:
    page = (site / "course" / "01-the-ladder.html").read_text(encoding="utf-8")
    for level in (*ARNSTEIN_RUNGS, *COPRODUCTION_STEPS, *SPECTRUM_TYPES):
        assert level.name in page, level.name
    for level in SPECTRUM_TYPES:
        assert level.key_question.replace("'", "&#x27;") in page or level.key_question in page


MODULE_PAGES = [m.slug for m in MODULES]


class _Outcomes(HTMLParser):
    """The text (and images' alt text) each ``remove-input`` cell shows: a
    table, figure or scenario outcome whose code the book hides."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []
        self._depth = 0  # open divs inside the current cell, 0 outside one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "div":
            if self._depth:
                self._depth += 1
            elif "tag_remove-input" in (dict(attrs).get("class") or ""):
                self._depth = 1
                self.shown.append("")
        if tag == "img" and self._depth:
            self.shown[-1] += " " + (dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.shown[-1] += data


@pytest.mark.parametrize("module", MODULE_PAGES)
def test_every_outcome_is_shown_in_place_of_live_scenarios(site: Path, module: str) -> None:
    """A reader of the book sees every table, figure and scenario outcome the
    notebook shows, none of them an error, and no live control."""
    cells = [c for c in read_nb(ROOT / "course" / f"{module}.ipynb").cells if c.cell_type == "code"]
    hidden = [c for c in cells if "remove-input" in c.metadata.get("tags", [])]
    page = (site / "course" / f"{module}.html").read_text(encoding="utf-8")
    parser = _Outcomes()
    parser.feed(page)
    assert len(parser.shown) == len(hidden), f"{module}: {len(parser.shown)} outcomes shown, {len(hidden)} in the notebook"
    empty = [c.source.splitlines()[0] for c, text in zip(hidden, parser.shown) if not text.split()]
    assert not empty, f"{module}: these show nothing: {empty}"
    assert not [t for t in parser.shown if "Check your input" in t], f"{module}: a static outcome shows an input error"
    for scenario in declared(module).scenarios:  # each live scenario is followed by its outcomes
        after = next(i for i, c in enumerate(cells) if f"{scenario}()" in c.source) + 1
        assert after < len(cells) and cells[after] in hidden, f"{module}: {scenario} has no outcome after it"
    assert "widget-view+json" not in page and "widget-state+json" not in page
    assert "live scenario" not in page  # the explorer cells are removed, not shown as notes
    assert "<select" not in page and 'type="number"' not in page and 'type="checkbox"' not in page


def test_images_have_meaningful_alt_text_and_captions(site: Path) -> None:
    for path in _pages(site):
        parser = _Images()
        parser.feed(path.read_text(encoding="utf-8"))
        for image in parser.images:
            alt = (image.get("alt") or "").strip()
            assert alt, f"{path.name}: an image has no alt text ({image.get('src', '')[:60]})"
            assert not re.search(r"\.(png|svg|jpe?g)$", alt), f"{path.name}: alt text is a file name: {alt}"
    for module in MODULE_PAGES:
        page = (site / "course" / f"{module}.html").read_text(encoding="utf-8")
        assert page.count("<figcaption>") == page.count('class="coproduction-figure"') >= 1


@pytest.mark.parametrize("module", MODULE_PAGES)
def test_glossary_and_citations_are_linked(site: Path, module: str) -> None:
    page = (site / "course" / f"{module}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'href="../book/glossary.html#term-', page)) >= 10
    assert len(re.findall(r'href="../book/references.html#', page)) >= 10
    references = (site / "book" / "references.html").read_text(encoding="utf-8")
    assert "A ladder of citizen participation" in references
    assert "peoplehub" in references


@pytest.mark.parametrize("module", MODULE_PAGES)
def test_launch_buttons_come_from_the_repository_setting(site: Path, module: str) -> None:
    config = (ROOT / "book" / "_config.yml").read_text(encoding="utf-8")
    url = re.search(r"^\s+url: (https://github.com/\S+)", config, re.M).group(1)  # type: ignore[union-attr]
    slug = url.removeprefix("https://github.com/")
    page = (site / "course" / f"{module}.html").read_text(encoding="utf-8")
    assert f"binder.org/v2/gh/{slug}/main?urlpath=lab/tree/course/{module}.ipynb" in page
    assert "thebe" in page


def test_nothing_leaks_into_the_book(site: Path) -> None:
    secrets = secret_lines()
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".js", ".txt", ".ipynb", ".json"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for marker in LEAK_MARKERS:
            assert marker not in text, f"{path.relative_to(site)} contains {marker!r}"
        found = [line for line in secrets if line in text]
        assert not found, f"{path.relative_to(site)} contains solution lines: {found[:2]}"


def _glossary_terms() -> list[str]:
    text = (ROOT / "book" / "glossary.md").read_text(encoding="utf-8")
    body = text.split("```{glossary}", 1)[1].split("```", 1)[0]
    return re.findall(r"^(\S.*)$", body, re.M)


def test_every_glossary_term_is_defined_once_and_linked(site: Path) -> None:
    terms = _glossary_terms()
    assert len(terms) == len({t.lower() for t in terms}), "a glossary term is defined twice"
    assert terms == sorted(terms, key=str.lower), "keep the glossary in alphabetical order"
    glossary = (site / "book" / "glossary.html").read_text(encoding="utf-8")
    anchors = re.findall(r'id="(term-[^"]+)"', glossary)
    assert len(anchors) == len(terms)
    linked = set()
    for path in _pages(site):
        if path.name != "glossary.html":
            linked |= set(re.findall(r'glossary\.html#(term-[^"]+)"', path.read_text(encoding="utf-8")))
    unlinked = sorted(set(anchors) - linked)
    assert not unlinked, f"glossary terms no page links to: {unlinked}"


def _cited_keys() -> set[str]:
    texts = [c.source for nb in (ROOT / "course").glob("*.ipynb") for c in read_nb(nb).cells
             if c.cell_type == "markdown"]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")]
    return {key.strip() for text in texts for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", text)
            for key in group.split(",")}


def test_every_citation_key_resolves_and_every_source_is_cited() -> None:
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entries = set(re.findall(r"^@\w+\{([^,]+),", bib, re.M))
    cited = _cited_keys()
    assert cited <= entries, f"cited but not in references.bib: {sorted(cited - entries)}"
    # The bibliography lists every entry (:all:), so an uncited one would be padding.
    assert entries <= cited, f"in references.bib but cited nowhere: {sorted(entries - cited)}"


def _bib_entries() -> dict[str, dict[str, str]]:
    """Each entry's fields, by key (values with their outer braces removed)."""
    bib = (ROOT / "book" / "references.bib").read_text(encoding="utf-8")
    entries = {}
    for key, body in re.findall(r"^@\w+\{([^,]+),(.*?)^\}", bib, re.S | re.M):
        entries[key] = {name.lower(): value.strip()
                        for name, value in re.findall(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", body, re.M)}
    return entries


def test_every_source_names_its_title_date_and_author_or_publisher() -> None:
    """A reader must be able to find each source: what it is, who wrote or published it, and when.

    A page that gives no date of its own says so ("n.d.") and says when the course read it,
    or why it could not be read, so an undated source is never silently dateless.
    """
    entries = _bib_entries()
    assert len(entries) >= 30, "the bibliography was not read"
    faults = []
    for key, fields in entries.items():
        if not fields.get("title"):
            faults.append(f"{key}: no title")
        if not (fields.get("author") or fields.get("publisher") or fields.get("organization")):
            faults.append(f"{key}: no author or publisher")
        year = fields.get("year", "")
        if year == "n.d.":
            if not re.search(r"(read|undated)", fields.get("note", ""), re.I):
                faults.append(f"{key}: undated, and no note says when it was read or why not")
        elif not re.fullmatch(r"(1[89]|20)\d\d", year):
            faults.append(f"{key}: year {year!r} is neither a year nor 'n.d.'")
    assert not faults, "\n".join(faults)


def test_every_page_names_the_site_and_has_a_favicon_that_exists(site: Path) -> None:
    """A browser asks every site for an icon; a missing one is a 404 on a reader's first page."""
    import re

    for page in (site / "book" / "intro.html", site / "course" / "01-the-ladder.html"):
        text = page.read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon, f"{page.name} links no favicon"
        assert (page.parent / icon[1]).resolve().is_file(), icon[1]
        assert "Co-production in Practice" in re.search(r"<title>(.*?)</title>", text, re.S)[1]


def test_book_serve_answers_help_and_takes_a_port(capsys: pytest.CaptureFixture[str]) -> None:
    from coproduction.book import main as book_main

    for argv in (["--help"], ["serve", "--help"]):
        with pytest.raises(SystemExit) as done:
            book_main(argv)
        assert done.value.code == 0
    assert "--port" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        book_main(["serve", "--port", "70000"])
    assert "out of range" in str(refused.value)
