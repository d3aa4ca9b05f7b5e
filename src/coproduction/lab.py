"""The learner's JupyterLab reads like the book: citations and glossary terms.

The course's pages cite with MyST roles (``{cite:p}`arnstein1969```) and
link glossary terms (``{term}`Tokenism```), which the book resolves with
sphinxcontrib-bibtex and Sphinx's glossary. JupyterLab's MyST renderer
cannot read a bibliography, so it showed raw keys with a warning sign.
This Jupyter server extension serves, at ``/coproduction/book.json``, what
the course's JupyterLab extension needs to show them as the book does: each
reference's label as the book prints it ("Arnstein, 1969"; two authors
joined by "and", three or more as "et al.", "n.d." without a year), its full
text and link, and each glossary term's definition, read from the book's
own ``book/references.bib`` and ``book/glossary.md``.
"""

from __future__ import annotations

import asyncio
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["citations", "glossary", "book_data", "label"]

_BRACES = re.compile(r"[{}]")
_ROLE_TEXT = re.compile(r"\\(.)")


def _plain(text: str) -> str:
    """BibTeX text as it reads: LaTeX (``\\%``, ``\\textcopyright``, ``--``) as characters, braces gone."""
    from pybtex.richtext import Text

    try:
        text = Text.from_latex(text).render(_plaintext())
    except Exception:  # text pybtex cannot read as LaTeX stays as written
        pass
    return _BRACES.sub("", text).replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”").strip()


@lru_cache(maxsize=1)
def _plaintext() -> Any:
    # One backend for every field: ``render_as("text")`` looks the backend up
    # among all installed entry points on each call (about 12 ms a field).
    from pybtex.backends.plaintext import Backend

    return Backend()


def _surname(person: Any) -> str:
    return _plain(" ".join(person.prelast_names + person.last_names))


def label(persons: list[Any], year: str) -> str:
    """A reference's label as the book's author-year style prints it."""
    names = [_surname(p) for p in persons if _surname(p) != "others"]
    if not names:
        who = "Anonymous"
    elif len(persons) > 2:
        who = f"{names[0]} et al."
    elif len(persons) == 2:
        who = f"{names[0]} and {'others' if _surname(persons[1]) == 'others' else names[1]}"
    else:
        who = names[0]
    return f"{who}, {year or 'n.d.'}"


def _reference(fields: dict[str, str], persons: list[Any], year: str) -> str:
    authors = "; ".join(_plain(str(p)) for p in persons)
    parts = [f"{authors} ({year or 'n.d.'})", _plain(fields.get("title", ""))]
    where = fields.get("journal") or fields.get("booktitle") or fields.get("publisher") or fields.get("howpublished")
    if where:
        parts.append(_plain(where))
    return ". ".join(p.rstrip(".") for p in parts if p) + "."


@lru_cache(maxsize=4)
def citations(bib: Path) -> dict[str, dict[str, str]]:
    """Every reference in the BibTeX file ``bib``, by key: its label, its
    full text and its link (a DOI or URL, or "")."""
    from pybtex.database import parse_file

    found = {}
    for key, entry in parse_file(str(bib), bib_format="bibtex").entries.items():
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        persons = list(entry.persons.get("author", []) or entry.persons.get("editor", []))
        year = _plain(fields.get("year", ""))
        link = f"https://doi.org/{fields['doi']}" if fields.get("doi") else fields.get("url", "")
        found[key] = {"label": label(persons, year), "reference": _reference(fields, persons, year), "url": link}
    return found


@lru_cache(maxsize=4)
def glossary(page: Path) -> dict[str, dict[str, str]]:
    """Every term of the glossary directive in the MyST page ``page``, by its
    name in lower case: the name as written and its definition."""
    text = page.read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    terms: dict[str, dict[str, str]] = {}
    term, lines = "", []
    for line in (block.group(1) if block else "").splitlines() + [""]:
        if line.startswith(("  ", "\t")):
            lines.append(line.strip())
            continue
        if term and lines:
            terms[term.lower()] = {"term": term, "definition": _ROLE_TEXT.sub(r"\1", " ".join(lines))}
        term, lines = line.strip(), []
    return terms


def book_data(root: Path) -> dict[str, Any]:
    """What the course's JupyterLab extension shows: the references and
    glossary of the book at ``root`` (the course's repository)."""
    return {"citations": citations(root / "book" / "references.bib"),
            "terms": glossary(root / "book" / "glossary.md")}


def _book_root(serverapp: Any) -> Path | None:
    """The course the server serves (``make lab``), else the course the
    package was installed from (a hub's learners, whose copy has no book)."""
    from coproduction.nbgrader_tools import repo_root

    start = Path(getattr(serverapp, "root_dir", ".")).resolve()
    for folder in (start, *start.parents, repo_root()):
        if (folder / "book" / "references.bib").is_file() and (folder / "book" / "glossary.md").is_file():
            return folder
    return None


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "coproduction.lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    root = _book_root(serverapp)

    class BookHandler(APIHandler):
        @web.authenticated
        async def get(self) -> None:
            if root is None:
                raise web.HTTPError(404, "The course's book (book/references.bib) was not found.")
            # Read off the server's event loop: while the bibliography is
            # parsed, the learner's kernel still starts and pages still save.
            data = await asyncio.get_running_loop().run_in_executor(None, book_data, root)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(data))

    base = serverapp.web_app.settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", [(f"{base.rstrip('/')}/coproduction/book.json", BookHandler)])
