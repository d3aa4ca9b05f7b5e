"""The released key of an exercise's core track, as a learner's copy reads it.

A key (``coproduction/keys/<exercise>.json``, made by
:mod:`coproduction.exercise.authoring` at release) holds only salted hashes
of the answers, and each answer's message sealed with the answer itself, so
a message can be read only by giving the answer it belongs to.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

__all__ = ["KEYS", "Kind", "BLANK", "digest", "seal", "unseal", "load_key", "core_part"]


#: Where the released keys are: ``coproduction/keys/``.
KEYS = Path(__file__).resolve().parent.parent / "keys"
_SALT = "co-production in practice"
Kind = Literal["choice", "several", "number"]

#: What a released answer cell holds before the learner answers, by kind.
BLANK: dict[str, str] = {"choice": '""', "several": "[]", "number": "None"}


def digest(exercise: str, part: str, token: str) -> str:
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


def seal(message: str, exercise: str, part: str, token: str) -> str:
    return base64.b64encode(_xor(message.encode(), exercise, part, token)).decode("ascii")


def unseal(sealed: str, exercise: str, part: str, token: str) -> str:
    return _xor(base64.b64decode(sealed), exercise, part, token).decode()


@lru_cache(maxsize=None)
def load_key(exercise: str) -> dict[str, Any]:
    """The released key of ``exercise`` (see :func:`coproduction.exercise.authoring.make_key`)."""
    path = KEYS / f"{exercise}.json"
    if not path.is_file():
        raise FileNotFoundError(f"No key for the exercise {exercise!r} at {path}: run make release.")
    return json.loads(path.read_text(encoding="utf-8"))


def core_part(grade_id: str, key: dict[str, Any]) -> str | None:
    """The core part a test or answer cell belongs to (``q1_tests`` and
    ``q1_answer`` to ``q1_type``), from the key's part names."""
    prefix = grade_id.split("_")[0] + "_"
    names = [n for n in key["parts"] if n.startswith(prefix)]
    return names[0] if len(names) == 1 else None

