"""Feedback for learners that never shows hidden tests or solutions, and
never runs anything a learner wrote.

nbgrader's own feedback renders the autograded notebook, whose test cells
hold the hidden tests (nbgrader issue 917). Here each test cell shows the
version the learner was given and, instead of a traceback through the tests,
whether it passed, its points and the visible check's message. When only the
further (hidden) checks failed, it says so in plain words and names the part
of the module to revisit, never their code or message. Learners' own cells
keep their outputs, as text: HTML from a learner is never used as HTML, an
image is shown only if it really is a PNG (and is re-encoded), and any line
of a hidden test or model answer is blanked out. Before a page is written,
the part of it that comes from the course is checked against every line of
the course's solutions and hidden tests; a page that fails this or cannot be
made is reported and skipped, and every other learner's page is still
written. A written answer shows the trainer's mark and comment from
Formgrader once it is marked; running ``feedback`` again after marking
rewrites only the pages whose content changed.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import nbformat
from markdown_it import MarkdownIt
from markupsafe import Markup, escape
from nbformat import NotebookNode

from coproduction.cohort.exchange import SECRET, TIMESTAMP
from coproduction.cohort.scoring import FURTHER_CHECK, NOT_RUN
from coproduction.cohort.log import logger
from coproduction.cohort.marks import Mark, read_marks
from coproduction.cohort.standing import number
from coproduction.cohort.workspace import StatusRow, Workspace
from coproduction.exercise.notebook import is_going_further, part_name, part_title
from coproduction.exercise.outcomes import NOT_ATTEMPTED, NotAnswered, NotRight
from coproduction.nbgrader_tools import LEAK_MARKERS, secret_lines
from coproduction.pages import render

__all__ = ["render_feedback", "write_feedback", "Pages", "LeakError"]

_LOG = logger(__name__)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: The core track's own failures: their message is already plain words.
_PLAIN = frozenset({NotAnswered.__name__, NotRight.__name__})
_MARKDOWN = MarkdownIt("commonmark", {"html": False})  # learners' markdown never becomes live HTML


class LeakError(RuntimeError):
    """Feedback would have shown part of a solution or hidden test."""


def _demote(rendered: str) -> str:
    """The notebook sits under the page's own headings: its h1 becomes h3."""
    return re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(int(m[2]) + 2, 6)}>", rendered)


_PNG = b"\x89PNG\r\n\x1a\n"


def _text(output: NotebookNode) -> str:
    if output.output_type == "stream":
        return str(output.get("text", ""))
    if output.output_type == "error":
        return _ANSI.sub("", "\n".join(map(str, output.get("traceback", [])))) or \
            f"{output.get('ename')}: {output.get('evalue')}"
    return str(output.get("data", {}).get("text/plain", ""))


def _png(data: object) -> str | None:
    """The image re-encoded as base64 if it really is a PNG; else None."""
    try:
        raw = base64.b64decode(str(data).replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return base64.b64encode(raw).decode("ascii") if raw.startswith(_PNG) else None


def _redact(text: str, secrets: set[str]) -> str:
    """Blank any line that holds a line of a hidden test or model answer."""
    if not secrets or not any(s in text for s in secrets):
        return text
    return "\n".join("[a line of the course's own checks, not shown]" if any(s in line for s in secrets) else line
                     for line in text.split("\n"))


def _outputs(cell: NotebookNode, secrets: set[str]) -> list[dict[str, Any]]:
    """A code cell's outputs as the page shows them: a real PNG, a note where an
    image cannot be shown, or text with the course's own lines blanked."""
    shown: list[dict[str, Any]] = []
    for output in cell.get("outputs", []):
        data = output.get("data", {}) if output.output_type in {"display_data", "execute_result"} else {}
        png = _png(data["image/png"]) if "image/png" in data else None
        broken = not png and "image/png" in data and not data.get("text/plain")
        text = "" if png or broken else _redact(_text(output), secrets)
        shown.append({"png": png, "broken": broken, "text": text})
    return shown


def _revisit(nb: NotebookNode, index: int) -> str:
    """Where to look again for the part a test cell checks: the module the
    exercise goes with and the part's heading."""
    module = next((m for c in nb.cells[:3] if c.cell_type == "markdown"
                   for m in re.findall(r"\*\*(module \d+, [^*]+)\*\*", c.source)), "the module")
    heading = next((line.lstrip("# ").strip() for c in reversed(nb.cells[:index]) if c.cell_type == "markdown"
                    for line in c.source.splitlines() if line.startswith("## ")), "")
    return f"{module}, for {heading}" if heading else module


def _check(cell: NotebookNode, part: str, released: str, points: float, revisit: str) -> dict[str, Any]:
    """A test cell as the page shows it: the released check (never its hidden
    part) and its verdict in plain words."""
    errors = [o for o in cell.outputs if o.output_type == "error"]
    stderr = [o for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]
    said = " ".join("".join(str(o.get("text", "")) for o in cell.outputs if o.output_type == "stream").split())
    shown = {"kind": "check", "part": part, "released": released, "points": f"{points:g}", "said": said, "why": ""}
    if not errors and not stderr:
        return {**shown, "verdict": "passed"}
    if said.startswith(NOT_ATTEMPTED):
        return {**shown, "verdict": "not attempted"}
    error = errors[0] if errors else None
    if error is not None and error.ename == NOT_RUN:
        why = error.evalue
    elif error is not None and error.ename == FURTHER_CHECK:
        why = (f"The checks above passed, but a further check on other data did not pass: the answer "
               f"works for this example but not in general. Revisit {revisit}.")
    elif error is not None and error.ename in _PLAIN:
        why = " ".join(error.evalue.split())
    elif error is not None:
        why = f"{error.ename}: {error.evalue.strip() or '(no message)'}"
    else:
        why = "The check wrote a warning or error message."
    return {**shown, "verdict": "not passed", "why": why}


def _trainer(mark: Mark | None) -> dict[str, Any]:
    """A written answer's mark and comment, as the trainer gave them (None: waiting)."""
    if mark is None or not mark.marked:
        return {"kind": "trainer", "mark": None}
    return {"kind": "trainer", "mark": {"score": number(mark.score), "max_score": number(mark.max_score),
                                        "comment": mark.comment if mark.comment.strip() else ""}}


def render_feedback(nb: NotebookNode, released: NotebookNode, row: StatusRow, title: str,
                    secrets: set[str] | frozenset[str] = frozenset(), marks: Iterable[Mark] = ()) -> tuple[str, str]:
    """The feedback page for one autograded notebook, and the part of it that
    comes from the course rather than the learner (what the leak guard reads:
    a learner whose answer matches the model solution line for line has
    leaked nothing). ``marks`` are the submission's marks in the gradebook:
    a written answer's shows the trainer's mark and comment."""
    given = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in released.cells}
    by_part = {m.part: m for m in marks}
    written_parts: list[tuple[str, Mark | None]] = []
    cells: list[dict[str, Any]] = []  # everything the page shows of the notebook
    course: list[dict[str, Any]] = []  # what of it comes from the course, for the leak guard
    parts: list[dict[str, Any]] = []
    for index, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type == "markdown":
            # markdown-it with HTML off: a learner's markdown is text, never live HTML.
            shown = {"kind": "markdown", "html": Markup(_demote(_MARKDOWN.render(cell.source)))}
            cells.append(shown)
            if not meta.get("solution"):
                course.append(shown)
            if meta.get("grade") and meta.get("solution"):  # a written answer, marked by a trainer
                mark = by_part.get(str(grade_id))
                written_parts.append((part_name(nb.cells, index), mark))
                cells.append(_trainer(mark))
        elif meta.get("grade") and not meta.get("solution"):  # a test cell: never its hidden part
            points = float(meta.get("points", 0))
            shown = _check(cell, part_title(nb.cells, index), given.get(grade_id, "# (a check)"), points,
                           _revisit(nb, index))
            parts.append({"name": part_name(nb.cells, index), "passed": shown["verdict"] == "passed",
                          "points": f"{points:g}", "scored": shown["points"] if shown["verdict"] == "passed" else "0",
                          "optional": is_going_further(str(grade_id))})
            cells.append(shown)
            course.append(shown)
        elif cell.cell_type == "code":
            shown = {"kind": "code", "source": cell.source, "outputs": _outputs(cell, set(secrets))}
            cells.append(shown)
            if meta.get("locked"):
                course.append(shown)
    core = [p["passed"] for p in parts if not p["optional"]]
    extra = [p["passed"] for p in parts if p["optional"]]
    if by_part:
        score = f"{number(sum(m.score for m in by_part.values()))} of " \
                f"{number(sum(m.max_score for m in by_part.values()))}"
    else:
        score = f"{number(row.score)} of {number(row.max_score)}" if row.score is not None and row.max_score \
            else "not scored"

    def said(mark: Mark | None) -> str:
        if mark is None or not mark.marked:
            return "waiting for your trainer"
        return f"marked, {number(mark.score)} of {number(mark.max_score)}"

    page = render("feedback.html.j2", title=title, core_passed=sum(core), core_total=len(core),
                  further_passed=sum(extra), further_total=len(extra), score=score,
                  waiting=any(mark is None or not mark.marked for _, mark in written_parts),
                  written=[(name, said(mark)) for name, mark in written_parts], review=row.status == "needs review",
                  parts=parts, notes=[n.removeprefix("collected: ") for n in row.notes], cells=cells)
    return page, render("feedback_cells.html.j2", cells=course)


def _guard(page: str, secrets: set[str], where: str) -> None:
    # A line of the course's may appear as written or escaped (by the templates, or by html.escape).
    found = [m for m in LEAK_MARKERS if m in page] + [line for line in secrets if line in page
                                                      or str(escape(line)) in page or html.escape(line) in page]
    if found:
        raise LeakError(f"{where}: feedback would show instructor material ({found[0][:60]!r}); not written.")


def _receipt(submitted: Path, feedback: Path) -> None:
    """Keep beside the page what identifies the submission it is about (as
    nbgrader's own feedback does), so that it goes back to that submission."""
    for name in (TIMESTAMP, SECRET):
        if (submitted / name).is_file():
            shutil.copyfile(submitted / name, feedback / name)
        else:
            (feedback / name).unlink(missing_ok=True)


#: Statuses whose autograded notebook a learner gets feedback on.
WITH_FEEDBACK = frozenset({"graded", "blank", "needs review", "timeout", "crashed"})


@dataclass
class Pages:
    """What a feedback run did: pages written because they are new or changed, and pages already current."""

    changed: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # pages that could not be made, and why


def write_feedback(ws: Workspace, assignments: Iterable[str] | None = None) -> Pages:
    """Write feedback for every graded submission, rewriting only pages whose
    content changed (after a trainer marks written answers, say). A page that
    cannot be made safely is skipped, logged and listed in ``problems``."""
    secrets = secret_lines(ws.course)
    hidden = secret_lines(ws.course, solutions=False)
    pages = Pages()
    released_cache: dict[str, NotebookNode] = {}
    marks: dict[tuple[str, str], list[Mark]] = {}
    for mark in read_marks(ws.db_url, assignments, comments=True):
        marks.setdefault((mark.learner, mark.assignment), []).append(mark)
    for row in ws.statuses(assignments):
        autograded = ws.autograded(row.learner, row.assignment) / f"{row.assignment}.ipynb"
        if row.status not in WITH_FEEDBACK or not autograded.is_file():
            continue
        where = f"{row.learner}/{row.assignment}"
        try:
            nb = nbformat.read(autograded, as_version=4)
            if row.assignment not in released_cache:
                released_cache[row.assignment] = nbformat.read(ws.release(row.assignment), as_version=4)
            page, course_side = render_feedback(nb, released_cache[row.assignment], row,
                                                f"Feedback: {row.assignment} ({row.learner})", hidden,
                                                marks=marks.get((row.learner, row.assignment), []))
            _guard(course_side, secrets, where)
            target = ws.feedback(row.learner, row.assignment) / f"{row.assignment}.html"
            target.parent.mkdir(parents=True, exist_ok=True)
            _receipt(ws.submitted(row.learner, row.assignment), target.parent)
            if target.is_file() and target.read_bytes() == page.encode("utf-8"):
                pages.unchanged.append(target)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page, encoding="utf-8")
        except Exception as err:  # one learner's page never stops the others
            pages.problems.append(f"No feedback written for {where}: {err}")
            _LOG.warning("%s", pages.problems[-1])
            continue
        pages.changed.append(target)
    return pages
