"""Judging one answer to a core part against its key: right, wrong (and
what is wrong with *that* answer, and where to reread), or not answered
yet (and how to answer), in plain words.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal

from coproduction.checks import NotPlain, option, rounded
from coproduction.exercise.key import digest, load_key, unseal

__all__ = ["Verdict", "example", "judge"]


@dataclass(frozen=True)
class Verdict:
    """What a check says about one answer."""

    state: Literal["right", "wrong", "unanswered"]
    message: str


def _said(exercise: str, part: str, entry: dict[str, Any], token: str) -> str | None:
    sealed = entry["said"].get(digest(exercise, part, token))
    return None if sealed is None else unseal(sealed, exercise, part, token)


def example(exercise: str, part: str, entry: dict[str, Any]) -> str:
    """An option to show in "how to answer" (for a number part, a number):
    never one that is right."""
    if entry["kind"] == "number":
        return next(str(n) for n in (12, 30, 7) if digest(exercise, part, "right|" + rounded(n, entry["decimals"]))
                    != entry["right"])
    for text in entry["options"]:
        token = option(text)
        if entry["kind"] == "choice" and digest(exercise, part, "right|" + token) != entry["right"]:
            return text
        if entry["kind"] == "several" and digest(exercise, part, token) in entry["said"]:
            return text
    return entry["options"][0]


def _how(exercise: str, part: str, entry: dict[str, Any]) -> str:
    if entry["kind"] == "choice":
        return (f'Type one of the options between the quotes, in the form {part} = "{example(exercise, part, entry)}", '
                "run that cell (Shift+Enter), then run this check again.")
    if entry["kind"] == "several":
        return (f"Put the options you choose between the square brackets, each in quotes and separated by "
                f'commas, in the form {part} = ["{example(exercise, part, entry)}"], run that cell, then this '
                "check again.")
    return (f"Type the number after the equals sign, in the form {part} = {example(exercise, part, entry)}, run that "
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
        if digest(exercise, part, "right|" + token) == entry["right"]:
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
        if digest(exercise, part, "right|" + token) == entry["right"]:
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
    if digest(exercise, part, whole) == entry["right"]:
        return Verdict("right", f"{title}: right. {_said(exercise, part, entry, whole)}")
    mistakes = [f'"{known[t]}": {m}' for t in chosen if (m := _said(exercise, part, entry, t))]
    return wrong(" ".join(mistakes) if mistakes else entry["missing"])
