"""What a learner wrote, made inert before a trainer's tools show it.

A submission controls text that reaches a trainer in three places, each
with its own way of turning text into action:

* a terminal (``coproduction status``, every command's notes): control
  characters could clear the screen, move the cursor and print a false
  "everything graded"; :func:`terminal` shows them as visible escapes;
* a spreadsheet (``coproduction export``): a cell starting with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel and
  LibreOffice; :func:`spreadsheet` makes it text, as OWASP's rule for CSV
  injection says (a leading apostrophe);
* a browser (Formgrader reads the autograded notebook):
  :func:`for_trainers` makes the learner's markdown show its HTML as text,
  drops links with schemes that run code, keeps of the outputs only plain
  text and well-formed PNG figures, and caps the size of the outputs kept.
  Formgrader is also served with a strict Content Security Policy
  (:mod:`coproduction.cohort.guard`), in case anything gets past this.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # status and export read this module without nbformat (it costs them a second)
    from nbformat import NotebookNode

__all__ = ["terminal", "spreadsheet", "for_trainers", "MAX_OUTPUTS", "MAX_NOTES"]

#: Characters of output the autograded copy of one notebook keeps, all cells together.
MAX_OUTPUTS = 8 * 1024**2
#: Notes kept for one submission (the rest are counted in the last note).
MAX_NOTES = 40

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_BIDI = {"\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
         "\u200f", "\u061c"}


def terminal(text: Any) -> str:
    """``text`` as one line safe to print: control characters (escape
    sequences, carriage returns, new lines, bidirectional overrides) shown as
    ``\\x1b``-style escapes instead of acted on."""
    out = []
    for ch in str(text):
        if ch in _BIDI or (unicodedata.category(ch) == "Cc"):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def spreadsheet(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a string starting with a
    formula character gets a leading apostrophe (numbers pass as numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


_SAFE_SCHEMES = {"http", "https", "mailto"}
_LINK = re.compile(r"(\]\(\s*<?|^\s{0,3}\[[^\]\n]+\]:\s*<?)([A-Za-z][A-Za-z0-9+.\-]*)(\s*:)", re.M)
_PNG = re.compile(r"[A-Za-z0-9+/=\s]*")


def markdown_as_text(source: str) -> str:
    """Learner markdown whose HTML shows as written (``<script>`` stays text)
    and whose links keep only web and mail schemes."""
    source = source.replace("<", "&lt;")

    def link(match: re.Match[str]) -> str:
        scheme = match.group(2)
        # A space makes the destination no link at all: the words stay, as text.
        return match.group(0) if scheme.lower() in _SAFE_SCHEMES else f"{match.group(1)}unsafe link {scheme} "

    return _LINK.sub(link, source)


def _output(output: NotebookNode) -> NotebookNode | None:
    """An output as a trainer's browser may show it, or None to drop it."""
    if output.get("output_type") in {"display_data", "execute_result"}:
        data = output.get("data", {})
        kept = {}
        if isinstance(data.get("text/plain"), str):
            kept["text/plain"] = data["text/plain"]
        png = data.get("image/png")
        if isinstance(png, str) and _PNG.fullmatch(png) and png.strip():
            kept["image/png"] = png
        if not kept:
            kept["text/plain"] = "[an output that is not text or a figure was not kept]"
        output["data"] = kept
        output["metadata"] = {}
    return output


def _size(output: NotebookNode) -> int:
    if output.get("output_type") == "stream":
        return len(output.get("text", ""))
    if output.get("output_type") == "error":
        return len(output.get("evalue", "")) + sum(len(t) for t in output.get("traceback", []))
    return sum(len(v) for v in output.get("data", {}).values() if isinstance(v, str))


def for_trainers(nb: NotebookNode, cap: int = MAX_OUTPUTS) -> list[str]:
    """Make the autograded copy ``nb`` safe to show in a trainer's browser
    (in place); notes for the learner and trainer on what was cut."""
    import nbformat

    notes = []
    used = 0
    cut = 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("locked"):
            cell.source = markdown_as_text(cell.source)
            cell.pop("attachments", None)  # an attachment is a file a page could load
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            output = _output(output)
            size = _size(output)
            if used + size > cap:
                cut += 1
                if output.get("output_type") != "error":
                    continue
                # An error is kept (it fails the check it belongs to), without its long text.
                output["evalue"], output["traceback"] = str(output.get("evalue", ""))[:300], []
                size = _size(output)
            used += size
            kept.append(output)
        if len(kept) < len(cell.get("outputs", [])) and not any(o.get("output_type") == "stream"
                                                                and "[outputs limit" in o.get("text", "")
                                                                for o in kept):
            kept.append(nbformat.v4.new_output("stream", name="stdout",
                                               text=f"\n[outputs limit: the notebook's outputs reached "
                                                    f"{cap / 1024**2:g} MB; the rest were not kept]\n"))
        cell.outputs = kept
    if cut:
        notes.append(f"{cut} outputs were not kept: the notebook's outputs reached the {cap / 1024**2:g} MB "
                     "limit for a graded copy")
    return notes


def capped(notes: list[str], limit: int = MAX_NOTES) -> list[str]:
    """At most ``limit`` notes, the last saying how many more there were."""
    if len(notes) <= limit:
        return notes
    return notes[:limit - 1] + [f"and {len(notes) - limit + 1} more notes like these"]
