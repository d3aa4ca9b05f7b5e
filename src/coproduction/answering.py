"""Answer cells in the learner's kernel: read as meant, never a traceback.

An IPython extension (loaded by every exercise's set-up cell, and by the
course's kernels as they start, so an answer cell run first is read too)
turns each answer cell, before Python sees it, into a call of
:func:`answered`, which reads the cell with
:func:`coproduction.answer_cells.read_answer`, exactly as grading reads the
saved notebook. A readable answer is set; a slip is said in plain words and
the part's earlier value is removed, so no check can judge an answer the
page no longer shows. Each run is recorded (:data:`RAN`) for the part's
check to compare with what the page shows.

An answer cell is known by the part name it sets (``q1_type = ...``); in
JupyterLab, which says which cell runs, also by the cell itself, so that a
cell holding only the bare word ``Educate`` is read as its part's answer.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coproduction.answer_cells import Part, Reading, parts_assigned, read_answer, straighten

__all__ = ["Ran", "RAN", "PAGE", "load_ipython_extension", "answered", "for_exercise", "part_of", "page_shows"]


@dataclass(frozen=True)
class Ran:
    """The last run of a part's answer cell in this kernel."""

    source: str
    reading: Reading


#: The last run of each part's answer cell, by part name.
RAN: dict[str, Ran] = {}
#: What the page showed in each answer cell when a check last ran, by part
#: name (sent by the course's JupyterLab extension just before the check).
PAGE: dict[str, str] = {}
_STATE: dict[str, Any] = {"exercise": None, "cells": {}, "shell": None}


def part_of(exercise: str, name: str) -> Part | None:
    """The part ``name`` of ``exercise`` as the reader needs it, from the key."""
    from coproduction.exercise.judging import example
    from coproduction.exercise.key import load_key

    try:
        entry = load_key(exercise)["parts"][name]
    except (FileNotFoundError, KeyError):
        return None
    return Part(name, entry["kind"], tuple(entry["options"]), example(exercise, name, entry))


def _exercise() -> str | None:
    """The exercise this kernel answers: as its set-up cell declared, else
    the notebook's own name (``my-work/ladder/ladder.ipynb``)."""
    if _STATE["exercise"]:
        return _STATE["exercise"]
    shell = _STATE["shell"]
    session = (shell.user_ns.get("__session__") if shell else None) or os.environ.get("JPY_SESSION_NAME", "")
    stem = Path(str(session)).stem
    from coproduction.exercise.key import KEYS

    return stem if stem and (KEYS / f"{stem}.json").is_file() else None


def _names(exercise: str | None) -> set[str]:
    from coproduction.exercise.key import KEYS, load_key

    if exercise:
        return set(load_key(exercise)["parts"])
    return {n for path in KEYS.glob("*.json") for n in load_key(path.stem)["parts"] if n != "example"}


def _cell_parts() -> dict[str, str]:
    """The notebook's answer cells, by cell id: which part each answers."""
    shell = _STATE["shell"]
    session = (shell.user_ns.get("__session__") if shell else None) or os.environ.get("JPY_SESSION_NAME", "")
    if session in _STATE["cells"]:
        return _STATE["cells"][session]
    found: dict[str, str] = {}
    try:
        cells = json.loads(Path(str(session)).read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        cells = []
    for cell in cells if isinstance(cells, list) else []:
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        part = meta.get("coproduction", {}).get("part") if isinstance(meta.get("coproduction"), dict) else None
        if isinstance(part, str) and isinstance(cell.get("id"), str):
            found[cell["id"]] = part
    _STATE["cells"][session] = found
    return found


def transform(lines: list[str]) -> list[str]:
    """An answer cell as a call of :func:`answered`; any other cell as it is.
    A cell is its part's answer cell when JupyterLab says so (by the cell's
    id), or when it sets a part's name, or holds nothing but one of the
    exercise's options; it is read, not run, when it is nothing but an
    answer (a cell with code of its own runs as Python, as it always did)."""
    text = "".join(lines)
    exercise = _exercise()
    try:
        names = _names(exercise)
    except (FileNotFoundError, ValueError):
        return lines
    if not _only_answer(text):
        return lines
    cell, marked = _cell_id(), _cell_parts()
    part = marked.get(cell) if cell else None
    if cell and marked and part is None:
        return lines  # JupyterLab says which cell this is, and it is not an answer cell
    if part is None:
        assigned = parts_assigned(text, names)
        part = assigned[0] if len(assigned) == 1 else None if assigned else _bare_option(text, exercise)
    if part is None:
        return lines
    return [f"__import__('coproduction.answering').answering.answered({part or None!r}, {text!r})\n"]


def _only_answer(text: str) -> bool:
    """Whether the cell is nothing but an answer, right or slipped: it does
    not run as Python (so nothing is lost by reading it instead), or each
    of its statements sets a name or is a bare word, text or number."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    bare = (ast.Name, ast.Constant, ast.Tuple, ast.List)
    return bool(tree.body) and all(isinstance(s, (ast.Assign, ast.AnnAssign))
                                   or isinstance(s, ast.Expr) and isinstance(s.value, bare) for s in tree.body)


def _bare_option(text: str, exercise: str | None) -> str | None:
    """For a cell that holds nothing but one of the exercise's options
    (``Educate``, ``“Educate”``), an answer whose name was deleted: the one
    part it is an option of, or "" when several parts have it; else None."""
    if not exercise or len(text) > 200:
        return None
    from coproduction.checks import option
    from coproduction.exercise.key import load_key

    said = option(straighten(text).split("#")[0].strip().strip("\"'"))
    having = [name for name, entry in load_key(exercise)["parts"].items() if name != "example"
              and any(said == option(o) for o in entry["options"])] if said else []
    return (having[0] if len(having) == 1 else "") if having else None


def _cell_id() -> str | None:
    """The id of the cell running now, as JupyterLab sends it (nbclient does not)."""
    header = getattr(_STATE["shell"], "parent_header", None)
    cell = header.get("metadata", {}).get("cellId") if isinstance(header, dict) else None
    return cell if isinstance(cell, str) else None


def answered(name: str | None, source: str) -> None:
    """Set the part ``name`` to what its answer cell ``source`` says, or say
    what to change and remove its earlier value (the answer cell runs this)."""
    from coproduction.checks import wrap

    shell = _STATE["shell"]
    namespace = shell.user_ns if shell is not None else {}
    exercise = _exercise()
    part = part_of(exercise, name) if exercise and name else None
    if part is None:
        print(wrap("… Not read yet. This cell holds an answer but no longer says which part it answers: put back "
                   "the start of the line, the name the part's question asks you to set, then an equals sign "
                   "(for example: q2_type = ), and run it again."))
        return
    reading = read_answer(source, part)
    RAN[name] = Ran(source, reading)
    if reading.slip:
        namespace.pop(name, None)
        print(wrap(f"… Not read yet. {reading.slip}"))
        return
    namespace[name] = reading.value


def for_exercise(exercise: str) -> None:
    """Read this kernel's answer cells as ``exercise``'s (each exercise's
    set-up cell calls this)."""
    from IPython import get_ipython

    _STATE["exercise"] = exercise
    shell = get_ipython()
    if shell is not None:
        load_ipython_extension(shell)


def load_ipython_extension(shell: Any) -> None:
    """Register the answer cells' reader with ``shell`` (once)."""
    _STATE["shell"] = shell
    if transform not in shell.input_transformers_cleanup:
        shell.input_transformers_cleanup.append(transform)


def page_shows(cells: dict[str, str]) -> None:
    """What the page shows in each part's answer cell, sent by the course's
    JupyterLab extension just before a check runs, so that the check judges
    what the learner sees (and says so when that is not what last ran)."""
    PAGE.clear()
    PAGE.update({name: text for name, text in cells.items() if isinstance(name, str) and isinstance(text, str)})
