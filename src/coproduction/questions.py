"""The exercises' core track: parts answered by choosing, not by coding.

A learner answers a core part by setting a named value in the exercise
notebook, from listed options (``q1_type = "Consult"``), as a number read
from a scenario or table (``q4_count = 7``) or as a short list
(``q3_add = ["travel", "care cover"]``). The check cell under it runs
``check("ladder", "q1_type")``, which says in plain words whether the answer
is right and, if not, what is wrong with *that* answer and where to reread.
``check_my_work("ladder")``, the notebook's last cell, runs every check of
the notebook at once and shows a table.

The right answers are in neither the learner's notebook nor this package.
Each exercise's questions are written, answers and all, in
``solutions/questions/<exercise>.toml`` (trainers' material); ``make
release`` turns them into a *key* (``coproduction/keys/<exercise>.json``)
that holds only salted hashes of the answers, and each answer's message
sealed with the answer itself, so a message can be read only by giving the
answer it belongs to. The hidden tests that grading runs re-check every
answer against its value written out in the instructor notebook.

Checks never show a learner a traceback: a wrong or missing answer raises
:class:`NotRight` or :class:`NotAnswered`, whose rendering in Jupyter is the
message alone.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import difflib
import hashlib
import html
import io
import json
import re
import sys
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from coproduction.answer_cells import read_answer
from coproduction.checks import NotPlain, option, rounded, wrap

__all__ = ["Question", "QuestionError", "Verdict", "NotAnswered", "NotRight", "check", "going_further",
           "check_my_work", "Report", "part_title", "part_name", "part_names", "cell_source", "read_questions",
           "make_key", "write_keys", "load_key", "judge", "check_notebook", "estimated_minutes", "is_going_further",
           "KEYS", "BLANK", "NOT_ATTEMPTED", "is_empty_function"]

KEYS = Path(__file__).resolve().parent / "keys"
#: How a check marks an optional part that has not been attempted.
NOT_ATTEMPTED = "…"
_SALT = "co-production in practice"
Kind = Literal["choice", "several", "number"]

#: What a released answer cell holds before the learner answers, by kind.
BLANK: dict[str, str] = {"choice": '""', "several": "[]", "number": "None"}


def is_going_further(grade_id: str) -> bool:
    """Whether a graded cell belongs to the optional "Going further (for
    analysts)" section: its id starts with ``a`` and a part number."""
    return grade_id[:1] == "a" and grade_id[1:2].isdigit()


# --- authoring: the questions as written in solutions/questions/*.toml ---------


@dataclass(frozen=True)
class Question:
    """One core part, as its author wrote it (answers in clear)."""

    name: str  # the value the learner sets, e.g. "q1_type"
    title: str  # "Part 1", as the notebook's heading names it
    kind: Kind
    answer: Any  # an option, a list of options, or a number
    right: str  # what a right answer is told (why it is right)
    reread: str  # where in the module to look again
    options: tuple[str, ...] = ()
    wrong: dict[str, str] = field(default_factory=dict)  # message per wrong option or wrong number
    other: str = ""  # for a number: any other wrong value
    missing: str = ""  # for a list: right so far, but something is left out
    decimals: int = 0  # for a number: compared after rounding to this many places


class QuestionError(ValueError):
    """A questions file that cannot make a fair key; the message says why."""


def read_questions(path: Path) -> dict[str, Question]:
    """The questions of one exercise's TOML file, checked for what a fair
    part needs: every wrong option has its own message, options are told
    apart after normalising, and the answer is among the options."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    questions = {}
    for name, spec in raw.items():
        try:
            question = Question(name=name, options=tuple(spec.pop("options", ())), wrong=dict(spec.pop("wrong", {})),
                                **spec)
        except TypeError as error:
            raise QuestionError(f"{path}: [{name}] {error}") from None
        _validate(question, path)
        questions[name] = question
    return questions


def _validate(q: Question, path: Path) -> None:
    where = f"{path}: [{q.name}]"
    tokens = [option(o) for o in q.options]
    if len(set(tokens)) != len(tokens):
        raise QuestionError(f"{where} two options are the same once case, spaces and hyphens are ignored")
    if q.kind == "number":
        if q.options or not isinstance(q.answer, (int, float)) or not q.other:
            raise QuestionError(f"{where} a number part has a numeric answer, an 'other' message and no options")
        return
    answers = [q.answer] if q.kind == "choice" else list(q.answer)
    if q.kind not in ("choice", "several") or not answers or any(a not in q.options for a in answers):
        raise QuestionError(f"{where} the answer must be among the options")
    unexplained = [o for o in q.options if o not in answers and o not in q.wrong]
    if unexplained:
        raise QuestionError(f"{where} no message for the wrong option(s) {unexplained}")
    if q.kind == "several" and not q.missing:
        raise QuestionError(f"{where} a list part needs a 'missing' message")


# --- the key: what the learner's copy checks against ------------------------------


def _digest(exercise: str, part: str, token: str) -> str:
    return hashlib.sha256(f"{_SALT}|{exercise}|{part}|{token}".encode()).hexdigest()[:24]


def _stream(exercise: str, part: str, token: str, length: int) -> bytes:
    blocks, counter = [], 0
    while sum(map(len, blocks)) < length:
        blocks.append(hashlib.sha256(f"{_SALT}|seal|{exercise}|{part}|{token}|{counter}".encode()).digest())
        counter += 1
    return b"".join(blocks)[:length]


def _xor(data: bytes, exercise: str, part: str, token: str) -> bytes:
    """``data`` masked with a keystream made from the answer ``token``:
    applied twice, it gives ``data`` back."""
    return bytes(a ^ b for a, b in zip(data, _stream(exercise, part, token, len(data))))


def _seal(message: str, exercise: str, part: str, token: str) -> str:
    return base64.b64encode(_xor(message.encode(), exercise, part, token)).decode("ascii")


def _unseal(sealed: str, exercise: str, part: str, token: str) -> str:
    return _xor(base64.b64decode(sealed), exercise, part, token).decode()


def make_key(exercise: str, questions: dict[str, Question]) -> dict[str, Any]:
    """The key for ``questions``: no answer and no message in clear."""
    parts = {}
    for q in questions.values():
        entry: dict[str, Any] = {"title": q.title, "kind": q.kind, "reread": q.reread, "options": list(q.options)}
        if q.kind == "number":
            said = {rounded(float(v), q.decimals): m for v, m in q.wrong.items()}
            said[rounded(q.answer, q.decimals)] = q.right
            entry.update(decimals=q.decimals, other=q.other,
                         right=_digest(exercise, q.name, "right|" + rounded(q.answer, q.decimals)))
        elif q.kind == "choice":
            said = {option(o): q.wrong.get(o, q.right) for o in q.options}
            entry["right"] = _digest(exercise, q.name, "right|" + option(q.answer))
        else:
            said = {option(o): m for o, m in q.wrong.items()}
            said["right|" + "|".join(sorted(option(a) for a in q.answer))] = q.right
            entry.update(missing=q.missing,
                         right=_digest(exercise, q.name, "right|" + "|".join(sorted(option(a) for a in q.answer))))
        entry["said"] = {_digest(exercise, q.name, t): _seal(m, exercise, q.name, t) for t, m in sorted(said.items())}
        parts[q.name] = entry
    return {"exercise": exercise, "parts": parts}


@lru_cache(maxsize=None)
def load_key(exercise: str) -> dict[str, Any]:
    """The released key of ``exercise`` (see :func:`make_key`)."""
    path = KEYS / f"{exercise}.json"
    if not path.is_file():
        raise FileNotFoundError(f"No key for the exercise {exercise!r} at {path}: run make release.")
    return json.loads(path.read_text(encoding="utf-8"))


# --- judging an answer --------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What a check says about one answer."""

    state: Literal["right", "wrong", "unanswered"]
    message: str


def _said(exercise: str, part: str, entry: dict[str, Any], token: str) -> str | None:
    sealed = entry["said"].get(_digest(exercise, part, token))
    return None if sealed is None else _unseal(sealed, exercise, part, token)


def _example(exercise: str, part: str, entry: dict[str, Any]) -> str:
    """An option to show in "how to answer" (for a number part, a number):
    never one that is right."""
    if entry["kind"] == "number":
        return next(str(n) for n in (12, 30, 7) if _digest(exercise, part, "right|" + rounded(n, entry["decimals"]))
                    != entry["right"])
    for text in entry["options"]:
        token = option(text)
        if entry["kind"] == "choice" and _digest(exercise, part, "right|" + token) != entry["right"]:
            return text
        if entry["kind"] == "several" and _digest(exercise, part, token) in entry["said"]:
            return text
    return entry["options"][0]


def _how(exercise: str, part: str, entry: dict[str, Any]) -> str:
    if entry["kind"] == "choice":
        return (f'Type one of the options between the quotes, in the form {part} = "{_example(exercise, part, entry)}", '
                "run that cell (Shift+Enter), then run this check again.")
    if entry["kind"] == "several":
        return (f"Put the options you choose between the square brackets, each in quotes and separated by "
                f'commas, in the form {part} = ["{_example(exercise, part, entry)}"], run that cell, then this '
                "check again.")
    return (f"Type the number after the equals sign, in the form {part} = {_example(exercise, part, entry)}, run that "
            "cell, then this check again.")


def _kind_of(value: Any) -> str:
    kinds = {str: "text", int: "whole number", float: "number", bool: "True or False", list: "list", tuple: "list",
             dict: "dictionary", set: "set"}
    return kinds.get(type(value), type(value).__name__)


def _unknown(text: str, options: list[str]) -> str:
    close = difflib.get_close_matches(text, options, n=1, cutoff=0.6)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    return f'"{text}" is not one of the options ({", ".join(options)}).{hint}'


def judge(exercise: str, part: str, value: Any, key: dict[str, Any] | None = None) -> Verdict:
    """The verdict on ``value`` as the answer to ``part`` of ``exercise``."""
    entry = (key or load_key(exercise))["parts"][part]
    title, reread, kind = entry["title"], entry["reread"], entry["kind"]

    def wrong(message: str) -> Verdict:
        return Verdict("wrong", f"{title}: not right yet. {message} Reread {reread}.")

    def unanswered() -> Verdict:
        return Verdict("unanswered", f"{title}: not answered yet. {_how(exercise, part, entry)}")

    if value is None or value is Ellipsis or (isinstance(value, (str, list, tuple)) and not value):
        return unanswered()
    if kind == "number":
        if isinstance(value, bool):
            return wrong("This part wants a number, not True or False.")
        try:
            token = rounded(value, entry["decimals"])
        except NotPlain:
            if isinstance(value, str):
                return wrong(f'This part wants a number, like 12 or 0.25, without quotes; you gave "{value}".')
            return wrong(f"This part wants a number, like 12 or 0.25; you gave a {_kind_of(value)}.")
        message = _said(exercise, part, entry, token)
        if _digest(exercise, part, "right|" + token) == entry["right"]:
            return Verdict("right", f"{title}: right. {message}")
        return wrong(message or entry["other"])
    options = entry["options"]
    known = {option(o): o for o in options}
    if kind == "choice":
        if not isinstance(value, str):
            return wrong(f'This part wants one option between quotes, like "{options[0]}"; you gave a '
                         f"{_kind_of(value)}.")
        token = option(value)
        if token not in known:
            return wrong(_unknown(value.strip(), options))
        message = _said(exercise, part, entry, token) or ""
        if _digest(exercise, part, "right|" + token) == entry["right"]:
            return Verdict("right", f"{title}: right. {message}")
        return wrong(f'"{known[token]}": {message}')
    if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
        return wrong(f'This part wants a list: options in quotes, separated by commas, between square brackets, '
                     f'like ["{options[0]}"].')
    tokens = []
    for item in value:
        if not isinstance(item, (str, int)) or isinstance(item, bool) or option(str(item)) not in known:
            return wrong(_unknown(str(item), options))
        tokens.append(option(str(item)))
    chosen = sorted(set(tokens))
    whole = "right|" + "|".join(chosen)
    if _digest(exercise, part, whole) == entry["right"]:
        return Verdict("right", f"{title}: right. {_said(exercise, part, entry, whole)}")
    mistakes = [f'"{known[t]}": {m}' for t in chosen if (m := _said(exercise, part, entry, t))]
    return wrong(" ".join(mistakes) if mistakes else entry["missing"])


# --- in the notebook ------------------------------------------------------------


class _Plain(AssertionError):
    """A check's outcome shown as its message alone: Jupyter asks an
    exception for ``_render_traceback_`` before drawing a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(wrap(message))

    def _render_traceback_(self) -> list[str]:
        return [f"{self.mark} {line}" if i == 0 else f"  {line}" for i, line in enumerate(str(self).splitlines())]


class NotAnswered(_Plain):
    """A part not answered yet."""

    mark = "…"


class NotRight(_Plain):
    """A wrong answer, with what is wrong with it."""

    mark = "✗"


def _caller_namespace() -> dict[str, Any]:
    frame = sys._getframe(2)
    return frame.f_globals


def check(exercise: str, part: str) -> None:
    """Say whether the learner's answer to ``part`` of ``exercise`` is right
    (the check cell under each core part calls this); raise if it is not.
    The answer is the one its answer cell last set, and the check says so
    when the page shows another: the cell was changed since it ran, could
    not be read, or another cell has set the name since."""
    from coproduction import answering

    namespace = _caller_namespace()
    key = load_key(exercise)
    title = key["parts"][part]["title"]
    ran, page = answering.RAN.get(part), answering.PAGE.pop(part, None)
    if page is not None and ran is not None and page.strip() != ran.source.strip():
        raise NotAnswered(f"{title}: your answer cell has not been run since you changed it. Click in it and press "
                          "Shift+Enter, then run this check again.")
    shown = read_answer(page, answering.part_of(exercise, part)) if page is not None and ran is None else None
    if shown is not None and shown.answered and not _same(namespace.get(part), shown.value):
        raise NotAnswered(f"{title}: your answer cell has not been run yet. Click in it and press Shift+Enter, "
                          "then run this check again.")
    if ran is not None and ran.reading.slip:
        raise NotAnswered(f"{title}: not answered yet, because your answer cell cannot be read. {ran.reading.slip}")
    if part not in namespace:
        raise NotAnswered(f"{title}: not answered yet. Run the cell with your answer (the one that starts "
                          f"{part} =) first, then this check.")
    if ran is not None and not _same(namespace[part], ran.reading.value):
        raise NotAnswered(f"{title}: {part} has been set by another cell since its answer cell ran, so this check "
                          f"cannot tell which answer you mean. Remove the other cell's {part} = line, run the "
                          "answer cell again, then this check.")
    verdict = judge(exercise, part, namespace[part], key)
    if verdict.state == "unanswered":
        raise NotAnswered(verdict.message)
    if verdict.state == "wrong":
        raise NotRight(verdict.message)
    print(wrap(f"✓ {verdict.message}"))


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # an analyst's object that cannot say
        return False


def going_further(*names: str) -> "_GoingFurther":
    """The visible checks of a going-further part, as a ``with`` block: a
    failed check shows its message alone (no traceback); while any of
    ``names`` is missing, empty or still the bare function it was released
    as, the block says "not attempted (optional)" and passes, because the
    exercise is complete without it (its hidden checks at grading still
    score it 0)."""
    namespace = _caller_namespace()
    missing = next((n for n in names if _unwritten(namespace.get(n))), None)
    return _GoingFurther(missing)


def check_my_work(exercise: str, notebook: str | Path | None = None) -> "Report":
    """Run every check of the exercise's notebook in this kernel and show a
    table (the exercise's last cell calls this)."""
    return check_notebook(exercise, _caller_namespace(), notebook, live=True)


class _GoingFurther:
    def __init__(self, missing: str | None) -> None:
        self.missing = missing

    def __enter__(self) -> "_GoingFurther":
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: Any) -> bool:
        if self.missing is not None:
            if error is None or isinstance(error, Exception):  # whatever the empty answer caused
                print(wrap(f"{NOT_ATTEMPTED} {_not_attempted(self.missing)}"))
                return True
            return False
        if error is None:
            print("✓ All of this part's checks pass.")
            return False
        if isinstance(error, _Plain) or not isinstance(error, Exception):
            return False
        if isinstance(error, NameError):
            raise NotAnswered(f"{getattr(error, 'name', None) or 'A name'} is not defined yet: run the cells above "
                              "this one first (the setup cell at the top, then your answer).") from None
        if isinstance(error, AssertionError):
            raise NotRight(str(error) or "A check did not pass.") from None
        raise NotRight(f"Your code raised {type(error).__name__}: {error}") from None


def _not_attempted(name: str) -> str:
    return (f"Not attempted (optional): write {name} in the cell above and run it, then this check. This part "
            "is for analysts who write Python; the exercise is complete without it.")


def _unwritten(value: Any) -> bool:
    return value is None or is_empty_function(value) or (isinstance(value, (list, str, dict)) and not value)


def _empty() -> None:
    """A function with nothing but a docstring."""


def is_empty_function(value: Any) -> bool:
    code = getattr(value, "__code__", None)
    return code is not None and code.co_code == _empty.__code__.co_code


# --- check my work ----------------------------------------------------------------


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


def _heading(cells: list[Any], index: int) -> str | None:
    """The last level-2 heading at or before the cell at ``index``."""
    for cell in reversed(cells[:index + 1]):
        if cell.get("cell_type") == "markdown":
            for line in reversed(cell_source(cell).splitlines()):
                if line.startswith("## "):
                    return line[3:].strip()
    return None


def part_title(cells: list[Any], index: int) -> str:
    """The part the cell at ``index`` belongs to, as its heading names it
    ("Part 2", "A1"): check cells, Check my work and feedback pages use it."""
    heading = _heading(cells, index - 1)
    return heading.split(":")[0].strip() if heading else "a part"


def part_name(cells: list[Any], index: int) -> str:
    """The part's whole name, as its heading gives it without the points
    ("Part 4: where labels overstate most"): what a trainer's tables show."""
    heading = _heading(cells, index)
    return re.sub(r"\s*\([^()]*\)\s*$", "", heading) if heading else "a part"


def part_names(cells: list[Any]) -> dict[str, str]:
    """Every graded cell's part name, by its nbgrader id."""
    names = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id"):
            names[meta["grade_id"]] = part_name(cells, index)
    return names


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
            rows.append(Row(title, True, "unanswered", _not_attempted(names[0] if names else "your answer")))
        else:
            rows.append(_run_check(cell_source(cell).split("### BEGIN HIDDEN TESTS")[0], namespace, title, True))
    return Report(exercise, tuple(rows))


def core_part(grade_id: str, key: dict[str, Any]) -> str | None:
    """The core part a test or answer cell belongs to (``q1_tests`` and
    ``q1_answer`` to ``q1_type``), from the key's part names."""
    prefix = grade_id.split("_")[0] + "_"
    names = [n for n in key["parts"] if n.startswith(prefix)]
    return names[0] if len(names) == 1 else None


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


def cell_source(cell: dict[str, Any]) -> str:
    """A notebook cell's text, whether saved as one string or as a list of lines."""
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]



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


def write_keys(root: Path) -> list[Path]:
    """Make every exercise's key from ``root/solutions/questions/*.toml``."""
    KEYS.mkdir(exist_ok=True)
    written = []
    for path in sorted((root / "solutions" / "questions").glob("*.toml")):
        key = make_key(path.stem, read_questions(path))
        target = KEYS / f"{path.stem}.json"
        target.write_text(json.dumps(key, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    load_key.cache_clear()
    return written


# --- how long an exercise takes ----------------------------------------------------

#: Assumptions behind the time each exercise states (see book/trainers.md).
READING_WORDS_PER_MINUTE = 200
MINUTES_PER_CORE_PART = 4  # find the answer in the module or a scenario, type it, run the check
WRITING_WORDS_PER_MINUTE = 10  # drafting and revising a short reflective answer


def _round_up(minutes: float, step: int = 5) -> int:
    return int(-(-minutes // step) * step)


def estimated_minutes(cells: list[dict[str, Any]]) -> tuple[int, int]:
    """Estimated minutes for an exercise's core track and for its written
    answers, from its cells: reading each part's question at
    :data:`READING_WORDS_PER_MINUTE`, :data:`MINUTES_PER_CORE_PART` per core
    part, and each written answer's upper word limit at
    :data:`WRITING_WORDS_PER_MINUTE`. Estimates, not measurements."""
    core = written = 0.0
    by_id = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): c for c in cells}
    for grade_id, cell in by_id.items():
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not grade_id or not meta.get("grade"):
            continue
        part = grade_id.split("_")[0]
        intro = by_id.get(f"{part}_intro")
        words = len(cell_source(intro).split()) if intro else 0
        if is_going_further(grade_id):
            continue
        if meta.get("solution"):  # a written answer
            limits = [int(n) for n in re.findall(r"\d+ to (\d+) words", cell_source(intro) if intro else "")]
            written += words / READING_WORDS_PER_MINUTE + (max(limits) if limits else 150) / WRITING_WORDS_PER_MINUTE
        else:
            core += words / READING_WORDS_PER_MINUTE + MINUTES_PER_CORE_PART
    return _round_up(core), _round_up(written)
