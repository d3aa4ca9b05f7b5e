"""The core track as its author writes it, and the key made from it at release.

Each exercise's questions are written, answers and all, in
``solutions/questions/<exercise>.toml`` (trainers' material);
:func:`write_keys` (``make release``) turns them into keys that hold no
answer and no message in clear (:mod:`coproduction.exercise.key`).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduction.checks import option, rounded
from coproduction.exercise.key import KEYS, Kind, digest, load_key, seal

__all__ = ["Question", "QuestionError", "read_questions", "make_key", "write_keys"]


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


def make_key(exercise: str, questions: dict[str, Question]) -> dict[str, Any]:
    """The key for ``questions``: no answer and no message in clear."""
    parts = {}
    for q in questions.values():
        entry: dict[str, Any] = {"title": q.title, "kind": q.kind, "reread": q.reread, "options": list(q.options)}
        if q.kind == "number":
            said = {rounded(float(v), q.decimals): m for v, m in q.wrong.items()}
            said[rounded(q.answer, q.decimals)] = q.right
            entry.update(decimals=q.decimals, other=q.other,
                         right=digest(exercise, q.name, "right|" + rounded(q.answer, q.decimals)))
        elif q.kind == "choice":
            said = {option(o): q.wrong.get(o, q.right) for o in q.options}
            entry["right"] = digest(exercise, q.name, "right|" + option(q.answer))
        else:
            said = {option(o): m for o, m in q.wrong.items()}
            said["right|" + "|".join(sorted(option(a) for a in q.answer))] = q.right
            entry.update(missing=q.missing,
                         right=digest(exercise, q.name, "right|" + "|".join(sorted(option(a) for a in q.answer))))
        entry["said"] = {digest(exercise, q.name, t): seal(m, exercise, q.name, t) for t, m in sorted(said.items())}
        parts[q.name] = entry
    return {"exercise": exercise, "parts": parts}


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
