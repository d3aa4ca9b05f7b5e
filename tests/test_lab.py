"""The learner's JupyterLab shows citations and glossary terms as the book
does: every one the course's pages use is found in ``/coproduction/book.json``
(so no raw key or warning sign is left on a page), with the label the book
prints."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from pathlib import Path

import pytest
from pybtex.database import Person

from coproduction.lab import book_data, label

from .conftest import ROOT, read_nb

CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")
TERM = re.compile(r"\{term\}`([^`]+)`")
PAGES = sorted((ROOT / "course").glob("*.ipynb"))


def _markdown(page: Path) -> str:
    return "\n".join(c.source for c in read_nb(page).cells if c.cell_type == "markdown")


def _cited(page: Path) -> set[str]:
    return {key.strip() for found in CITE.findall(_markdown(page)) for key in found.split(",")}


def _terms(page: Path) -> set[str]:
    terms = set()
    for inner in TERM.findall(_markdown(page)):
        pointed = re.match(r"^(.*?)\s*<([^>]+)>$", inner, re.S)
        terms.add(" ".join((pointed.group(2) if pointed else inner).split()).lower())
    return terms


def test_labels_follow_the_books_author_year_style() -> None:
    one, two, three = Person("Arnstein, Sherry R."), Person("Boyle, David"), Person("Harris, Michael")
    assert label([one], "1969") == "Arnstein, 1969"
    assert label([two, three], "2009") == "Boyle and Harris, 2009"
    assert label([one, two, three], "2017") == "Arnstein et al., 2017"
    assert label([one, Person("others")], "2017") == "Arnstein and others, 2017"
    assert label([Person("{Think Local Act Personal}")], "") == "Think Local Act Personal, n.d."
    assert label([], "2020") == "Anonymous, 2020"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_every_citation_and_term_on_a_page_is_found(page: Path) -> None:
    data = book_data(ROOT)
    assert not _cited(page) - set(data["citations"]), "cited but not in book/references.bib"
    assert not _terms(page) - set(data["terms"]), "linked but not in book/glossary.md"
    for key in _cited(page):
        found = data["citations"][key]
        assert re.fullmatch(r".+, (\d{4}[a-z]?|n\.d\.)", found["label"]), found
        assert found["reference"].endswith(".") and "{" not in found["reference"], found
        assert not found["url"] or found["url"].startswith(("https://", "http://")), found


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if CITE.search(_markdown(p))], ids=lambda p: p.stem)
def test_the_labels_are_those_the_built_book_prints(site: Path, page: Path) -> None:
    html = " ".join(next(site.rglob(f"{page.stem}.html")).read_text(encoding="utf-8").split())
    anchors = re.findall(r'<a class="reference internal" href="[^"]*#id\d+"[^>]*>(.*?)</a>', html)
    shown = {unescape(re.sub(r"<[^>]+>", "", inner)).strip() for inner in anchors}  # "Lewis <em>et al.</em>"
    data = book_data(ROOT)["citations"]
    assert {data[key]["label"] for key in _cited(page)} <= shown, shown


def test_the_committed_extension_was_built_from_its_sources() -> None:
    """``make labextension`` records the hash of the sources it built from: a
    source edited without rebuilding (or a build without its source) fails."""
    recorded = (ROOT / "src" / "coproduction" / "labextension" / "source.sha256").read_text(encoding="utf-8")
    hashes = dict(reversed(line.split()) for line in recorded.splitlines() if line.strip())
    assert sorted(hashes) == ["src/index.js", "style/index.css"]
    for name, digest in hashes.items():
        assert hashlib.sha256((ROOT / "labextension" / name).read_bytes()).hexdigest() == digest, (
            f"labextension/{name} changed since the last build: run `make labextension`")
    built = ROOT / "src" / "coproduction" / "labextension"
    entry = json.loads((built / "package.json").read_text(encoding="utf-8"))["jupyterlab"]["_build"]["load"]
    assert (built / entry).is_file(), "the build's entry point is committed"
