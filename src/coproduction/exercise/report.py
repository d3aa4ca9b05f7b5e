"""Check my work: every automatically checked part of an exercise notebook,
as grading the saved notebook would find it, in a table.
"""

from __future__ import annotations

import ast
import contextlib
import html
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from coproduction.answer_cells import read_answer
from coproduction.exercise.judging import judge
from coproduction.exercise.key import core_part, load_key
from coproduction.exercise.notebook import cell_source, is_going_further, part_title
from coproduction.exercise.outcomes import NOT_ATTEMPTED, NotAnswered, NotRight, not_attempted

__all__ = ["Row", "Report", "check_notebook"]


@dataclass(frozen=True)
class Row:
    """One part's line in the "Check my work" table."""

    title: str
    optional: bool
    state: Literal["right", "wrong", "unanswered"]
    message: str


@dataclass(frozen=True)
class Report:
    """Every part's outcome; shown as a table in Jupyter, as text elsewhere."""

    exercise: str
    rows: tuple[Row, ...]
    problem: str = ""

    def summary(self) -> str:
        if self.problem:
            return self.problem
        core = [r for r in self.rows if not r.optional]
        extra = [r for r in self.rows if r.optional]
        done = sum(r.state == "right" for r in core)
        text = f"Core track: {done} of {len(core)} parts right."
        if done == len(core):
            text += " That completes the automatically checked part of this exercise."
        text += " Written answers are marked by your trainer."
        if extra:
            text += (f" Going further (optional): {sum(r.state == 'right' for r in extra)} of {len(extra)} "
                     "parts right.")
        return text

    def __str__(self) -> str:
        marks = {"right": "✓", "wrong": "✗", "unanswered": "…"}
        lines = [self.summary(), ""]
        for row in self.rows:
            lines.append(f"{marks[row.state]} {row.title}{' (optional)' if row.optional else ''}: {row.message}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        marks = {"right": ("✓", "right"), "wrong": ("✗", "not right yet"), "unanswered": ("…", "not answered yet")}
        left = "style='text-align: left; vertical-align: top'"  # JupyterLab right-aligns table cells
        body = "".join(
            f"<tr><th scope='row' {left}>{html.escape(r.title)}{' <em>(optional)</em>' if r.optional else ''}</th>"
            f"<td {left}><span aria-hidden='true'>{marks[r.state][0]}</span>&nbsp;{marks[r.state][1]}</td>"
            f"<td {left}>{html.escape(_without_verdict(r.message))}</td></tr>" for r in self.rows)
        return (f"<p><strong>{html.escape(self.summary())}</strong></p>"
                f"<table class='check-my-work'><caption {left}>Check my work: every part of this exercise</caption>"
                f"<thead><tr><th scope='col' {left}>part</th><th scope='col' {left}>result</th>"
                f"<th scope='col' {left}>what the check says</th></tr></thead><tbody>{body}</tbody></table>")


def _without_verdict(message: str) -> str:
    """A check's message without the verdict the table already shows."""
    for verdict in ("right. ", "not right yet. ", "not answered yet. "):
        if message.startswith(verdict):
            return message[len(verdict):]
    return message


def _find_notebook(exercise: str, notebook: str | Path | None) -> Path | None:
    candidates = [Path(notebook)] if notebook else [Path.cwd() / f"{exercise}.ipynb"]
    from coproduction.nbgrader_tools import repo_root

    candidates.append(repo_root() / "exercises" / exercise / f"{exercise}.ipynb")
    return next((p for p in candidates if p.is_file()), None)


def check_notebook(exercise: str, namespace: dict[str, Any], notebook: str | Path | None = None,
                   core_only: bool = False, live: bool = False) -> Report:
    """Every automatically checked part of the exercise's notebook, as
    grading the saved notebook would find it. A core part is judged from
    its answer cell's text, read as grading reads it (or, when the course's
    JupyterLab extension has just sent it, as the page shows it), not from
    the kernel; a going-further part's visible check runs in ``namespace``
    (the set-up cell first if the learner has not run it). With
    ``core_only`` (a learner who wrote no going-further code) nothing runs,
    and each going-further part is reported as not attempted. ``live``
    (Check my work in the learner's kernel) also says where the answer the
    kernel last ran differs from the one judged."""
    from coproduction import answering

    path = _find_notebook(exercise, notebook)
    if path is None:
        return Report(exercise, (), f"Check my work reads the exercise notebook, {exercise}.ipynb, from its own "
                                   "folder: open the exercise in JupyterLab and run this cell there.")
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in cells}
    page, key = dict(answering.PAGE), load_key(exercise)
    answering.PAGE.clear()
    if not core_only and "setup" in by_id and not _bound_names(cell_source(by_id["setup"])) <= set(namespace):
        _run_check(cell_source(by_id["setup"]), namespace, "setup", False)  # the learner has not run it yet
    rows = []
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        grade_id, title = str(meta.get("grade_id", "")), part_title(cells, index)
        if not is_going_further(grade_id):
            saved = by_id.get(grade_id.replace("_tests", "_answer"))
            rows.append(_core_row(exercise, key, grade_id, title, cell_source(saved) if saved else "", page, live))
        elif core_only:
            names = re.findall(r'going_further\(\s*"(\w+)"', cell_source(cell))
            rows.append(Row(title, True, "unanswered", not_attempted(names[0] if names else "your answer")))
        else:
            rows.append(_run_check(cell_source(cell).split("### BEGIN HIDDEN TESTS")[0], namespace, title, True))
    return Report(exercise, tuple(rows))


def _core_row(exercise: str, key: dict[str, Any], grade_id: str, title: str, saved: str,
              page: dict[str, str], live: bool) -> Row:
    """A core part's row: its answer cell read and judged, as grading would."""
    from coproduction import answering

    name = core_part(grade_id, key)
    part = answering.part_of(exercise, name) if name else None
    if part is None:
        return Row(title, False, "wrong", "This part's check could not find its answer cell: start the exercise "
                                          "again from its released copy.")
    source = page.get(name, saved)
    reading = read_answer(source, part)
    if reading.slip:
        return Row(title, False, "unanswered", f"Your answer cell cannot be read yet. {reading.slip}")
    verdict = judge(exercise, name, reading.value, key)
    message = _without_verdict(verdict.message.removeprefix(f"{title}: "))
    if reading.extra and verdict.state == "right":
        return Row(title, False, "wrong", "The answer is right, but its cell holds other code too, which grading runs "
                                          "and which must run without an error for the part to count: keep only the "
                                          f"line that sets {name}.")
    ran = answering.RAN.get(name)
    if live and verdict.state != "unanswered" and (ran is None or ran.source.strip() != source.strip()):
        message += (" (This is the answer your notebook holds, which grading reads; it is not the one you last ran. "
                    "Save the notebook (Ctrl+S), click in the answer cell and press Shift+Enter.)")
    return Row(title, False, verdict.state, message)


def _bound_names(code: str) -> set[str]:
    """The names a cell's top-level statements bind."""
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _run_check(code: str, namespace: dict[str, Any], title: str, optional: bool) -> Row:
    row = _run_check_raw(code, namespace, title, optional)
    for prefix in (f"{title}: ", "Not attempted (optional): "):
        if row.message.startswith(prefix):
            row = Row(row.title, row.optional, row.state, row.message.removeprefix(prefix))
    return row


def _run_check_raw(code: str, namespace: dict[str, Any], title: str, optional: bool) -> Row:
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"<check {title}>", "exec"), namespace)  # noqa: S102 (the course's own check cell)
    except NotAnswered as error:
        return Row(title, optional, "unanswered", " ".join(str(error).split()))
    except NotRight as error:
        return Row(title, optional, "wrong", " ".join(str(error).split()))
    except AssertionError as error:
        return Row(title, optional, "wrong", " ".join(str(error).split()) or "A check did not pass.")
    except NameError as error:
        return Row(title, optional, "unanswered",
                   f"Not answered yet: {getattr(error, 'name', 'a name')} is not defined. Run the cells above "
                   "(Run > Run All Above Selected Cell), then this one.")
    except Exception as error:  # an analyst's code failed inside the check: say so, without a traceback
        return Row(title, optional, "wrong", f"Your code raised {type(error).__name__}: {error}")
    said = " ".join(out.getvalue().split())
    if said.startswith(NOT_ATTEMPTED):
        return Row(title, optional, "unanswered", said.removeprefix(NOT_ATTEMPTED).strip())
    return Row(title, optional, "right", said.removeprefix("✓ ") or "All of this part's checks pass.")
