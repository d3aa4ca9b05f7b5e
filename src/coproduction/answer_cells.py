"""What a learner's answer cell says, read as they meant it.

A core part's answer cell holds one line, ``q1_type = "Consult"``, written
by the answer form above it (the course's JupyterLab extension) or typed by
the learner. People who have never programmed type what they would type
anywhere else: Word's curly quotes, no quotes, the bare word, ``£210``,
"two hundred and ten", an answer after ``None`` or after the ``#``.
:func:`read_answer` reads such a cell **without running it** and gives
either the value it sets or a *slip*: a plain sentence saying what to
change, with an example that is never the right answer.

This one reader serves every place an answer is read, so that they agree:
the live kernel (an IPython input transformer, :func:`load_ipython_extension`,
turns each answer cell into a call to :func:`answered` and so never shows a
traceback), ``nbgrader autograde`` and Validate (the exercise's set-up cell
loads the same transformer), the cohort pipeline's host (which reads the
saved notebook), Check my work and the progress page. A slip counts as not
answered everywhere, and leaves no earlier value behind.

Curly and single quotes count as quotes; case, spaces and hyphens are
ignored later, when the answer is judged (:func:`coproduction.checks.option`).
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Any

__all__ = ["Part", "Reading", "read_answer", "parts_assigned", "straighten", "MAX_SOURCE"]

#: The longest answer cell read; anything longer is not an answer.
MAX_SOURCE = 20_000

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                         "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "\u00a0": " ", "\u202f": " "})
_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)(.*)$")
_NUMBER_WORDS = re.compile(r"\b(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                           r"forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|half|quarter)\b", re.I)


@dataclass(frozen=True)
class Part:
    """What the reader needs to know of a core part (from the exercise's key)."""

    name: str  # the value the cell sets, e.g. "q1_type"
    kind: str  # "choice", "several" or "number"
    options: tuple[str, ...] = ()
    example: str = ""  # an option that is not the right answer, for messages


@dataclass(frozen=True)
class Reading:
    """What an answer cell says: the value it sets (``None`` when it sets
    none) or, when it cannot be read, a slip saying what to change."""

    value: Any = None
    slip: str = ""
    #: The cell holds code beside its answer, which grading runs: the answer
    #: counts only if that code runs without an error, so nothing can say it
    #: counts before it has run.
    extra: bool = False

    @property
    def answered(self) -> bool:
        """Whether the cell gives an answer (right or wrong) to judge."""
        return not self.slip and not _blank(self.value)


def straighten(text: str) -> str:
    """``text`` with curly quotes (and the like) as straight ones, and
    non-breaking spaces as spaces: what word processors and phones type."""
    return text.translate(_QUOTES)


def _blank(value: Any) -> bool:
    return value is None or value is Ellipsis or (isinstance(value, (str, list, tuple, set)) and not value)


def _form(part: Part) -> str:
    """The answer's form, with an option that is not the answer."""
    if part.kind == "choice":
        return f'{part.name} = "{part.example}"'
    if part.kind == "several":
        return f'{part.name} = ["{part.example}"]'
    return f"{part.name} = {part.example or 12}"


def _slip(part: Part, what: str) -> Reading:
    return Reading(None, f"{what} For example: {_form(part)} (with your own answer in its place).")


def read_answer(source: str, part: Part) -> Reading:
    """What the answer cell ``source`` sets ``part`` to, read without running it."""
    if len(source) > MAX_SOURCE:
        return _slip(part, "This cell is too long to be an answer: it should hold one line.")
    text = straighten(source)
    code, comments = _without_comments(text)
    if not code.strip():
        if _answer_in(comments, part):
            return _slip(part, "Your answer is after the # sign, where it is ignored: put it after the equals sign.")
        return Reading(None)
    from coproduction.cohort.answers import literal_answers

    written = literal_answers(text)
    if part.name in written:
        reading = _checked(written[part.name], part, comments)
        return Reading(reading.value, reading.slip, extra=_other_code(text)) if reading.answered else reading
    lines = [m for m in map(_ASSIGN.match, code.splitlines()) if m]
    mine = [m for m in lines if m[1] == part.name]
    if mine:
        return _lenient(mine[-1][2].strip(), part)
    if lines and len({m[1] for m in lines}) == 1:
        return _slip(part, f"This cell sets {lines[0][1]}, but this part's answer is called {part.name}: "
                           f"keep the name as it was given.")
    return _slip(part, f"This cell should set {part.name}: keep the start of the line, {part.name} =, and put "
                       "your answer after it.")


def _other_code(text: str) -> bool:
    """Whether the cell, valid Python, does more than set names and show
    them (whatever else it does may fail when it runs)."""
    from coproduction.cohort.answers import shows

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return not all(isinstance(s, (ast.Assign, ast.AnnAssign)) or shows(s) for s in tree.body)


def _checked(value: Any, part: Part, comments: str) -> Reading:
    """A value the cell writes out as valid Python, with the slips that are
    still valid Python: a blank answer with the answer typed in the comment,
    a number written with a thousands comma (``1,200`` is a pair)."""
    if _blank(value) and _answer_in(comments, part):
        return _slip(part, "Your answer is after the # sign, where it is ignored: put it after the equals sign.")
    if part.kind == "number" and isinstance(value, tuple) and all(type(v) is int for v in value):
        return _slip(part, "Type the number without commas between its digits.")
    return Reading(value)


def _lenient(rhs: str, part: Part) -> Reading:
    """What to say about an answer that is not valid Python, by what it looks like."""
    if not rhs:
        return _slip(part, "Nothing follows the equals sign yet: type your answer after it.")
    if re.match(r"None\b\W*\S", rhs) or re.match(r"None\S", rhs):
        return _slip(part, "Delete the word None and type your answer in its place, not after it.")
    if part.kind == "number":
        return _number_slip(rhs, part)
    if part.kind == "several":
        return _list_slip(rhs, part)
    return _choice_slip(rhs, part)


def _choice_slip(rhs: str, part: Part) -> Reading:
    if rhs.startswith("["):
        return _slip(part, "This part takes one option, between quotes, not a list.")
    if rhs[:1] in "\"'" and rhs[-1:] == rhs[:1] and len(rhs) > 1:
        return Reading(rhs[1:-1])  # 'Children's Services': the quotes are the outer pair
    if rhs[:1] in "\"'" or rhs[-1:] in "\"'":
        return _slip(part, "A quote mark is missing: your answer needs one before it and one after it.")
    return _slip(part, "Put your answer between quotes, so that it is read as words.")


def _list_slip(rhs: str, part: Part) -> Reading:
    if rhs.startswith("[") != rhs.endswith("]"):
        return _slip(part, "A square bracket is missing: the list starts with [ and ends with ].")
    inner = rhs.strip("[]").strip()
    items = [i.strip() for i in inner.split(",") if i.strip()]
    if any(i[:1] in "\"'" and (i[-1:] != i[:1] or len(i) == 1) for i in items) or \
            any(i[-1:] in "\"'" and i[:1] != i[-1:] for i in items):
        return _slip(part, "A quote mark is missing: each option needs one before it and one after it.")
    if items and all(i[:1] in "\"'" for i in items):
        return Reading([i[1:-1] for i in items])
    return _slip(part, "Put each option between quotes, separate them with commas, and put the whole list "
                       "between square brackets.")


def _number_slip(rhs: str, part: Part) -> Reading:
    if re.search(r"[£$€%]|\bp\b|\bpounds?\b|\bpence\b|\bhours?\b|\bweeks?\b|\ba week\b|\bper\b", rhs, re.I):
        return _slip(part, "Type the number alone, without £, % or words such as \"a week\".")
    if _NUMBER_WORDS.search(rhs):
        return _slip(part, "Type the number in figures, not in words.")
    if rhs[:1] in "\"'":
        return _slip(part, "Type the number without quotes.")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", rhs):
        return _slip(part, "Type the number without commas between its digits.")
    return _slip(part, "This part takes one number, in figures.")


def _without_comments(text: str) -> tuple[str, str]:
    """The cell's code and its comments' text. A # inside quotes is text;
    a cell that does not tokenise (a quote left open) is cut at each line's
    first # outside a quoted stretch."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        code, comments = [], []
        for line in text.splitlines():
            cut = _comment_start(line)
            code.append(line[:cut])
            comments.append(line[cut + 1:] if cut < len(line) else "")
        return "\n".join(code), "\n".join(comments)
    lines = text.splitlines()
    comments = []
    for token in reversed(tokens):
        if token.type == tokenize.COMMENT:
            row, col = token.start
            comments.append(token.string[1:])
            lines[row - 1] = lines[row - 1][:col]
    return "\n".join(lines), "\n".join(reversed(comments))


def _comment_start(line: str) -> int:
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            return index
    return len(line)


#: What the released answer cells say after their #, which is not an answer.
_RELEASED_HINTS = ("type one option between the quotes", "your options, each in quotes, separated by commas",
                   "replace none with a number")


def _answer_in(comments: str, part: Part) -> bool:
    """Whether the comments hold something that looks like an answer: an
    option's words or, for a number part, a digit (the released hint is not)."""
    from coproduction.checks import option

    said = comments.casefold()
    for hint in _RELEASED_HINTS:
        said = said.replace(hint, "")
    if part.kind == "number":
        return bool(re.search(r"\d", said))
    words = option(said) if said.strip() else ""
    return bool(words) and any(option(o) and option(o) in words for o in part.options)


def parts_assigned(source: str, names: set[str]) -> list[str]:
    """The names of ``names`` that the cell ``source`` sets (its lines of
    the form ``name =``, valid Python or not): how a cell is known as an
    answer cell without running it."""
    if len(source) > MAX_SOURCE:
        return []
    code, _ = _without_comments(straighten(source))
    found = []
    for match in map(_ASSIGN.match, code.splitlines()):
        if match and match[1] in names and match[1] not in found:
            found.append(match[1])
    return found
