"""Every message grading passes between processes, typed, in one place.

Three parties talk while a submission is graded (see
:mod:`coproduction.cohort.channel` for how the bytes travel):

* host → worker, on the control socket: :class:`StartJob` (carrying the job's
  own channel as a descriptor), :class:`StopJob`, :class:`InterruptJob`;
* worker → host: :class:`Ready` once, then :class:`JobEnded` after each job;
* host → the learner's process, on the job's channel: :class:`RunCell` for
  each cell, then :class:`Exit`;
* the learner's process → host: :class:`CellRan` for each cell.

Each message is a frozen dataclass; :meth:`message` gives the JSON object
that is sent, keyed by the message's tag (``"run"``, ``"ran"``, ``"end"`` …)
and its fields. :func:`read` turns an object that arrived back into its
message, or raises :class:`~coproduction.cohort.channel.ProtocolError` with a
sentence a trainer can read when the object has the wrong shape: whatever the
learner's process sends is read as hostile. Host and worker import these
same definitions, so no key is spelled twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar

from coproduction.cohort.channel import ProtocolError

__all__ = ["StartJob", "StopJob", "InterruptJob", "Ready", "JobEnded", "RunCell", "Exit", "CellRan", "read",
           "Message"]


@dataclass(frozen=True)
class Message:
    """One message: ``TAG`` names its kind on the wire and holds its first field."""

    TAG: ClassVar[str]
    #: The fields' types on the wire (None allowed where listed as a tuple with type(None)).
    TYPES: ClassVar[dict[str, type | tuple[type, ...]]] = {}
    #: The fields' names in order (set below, once every message is defined).
    NAMES: ClassVar[tuple[str, ...]] = ()

    def message(self) -> dict[str, Any]:
        """The JSON object to send (built from the instance alone: the learner's
        process sends its answers with it after learner code has run)."""
        first, *rest = self.NAMES
        return {self.TAG: getattr(self, first), **{name: getattr(self, name) for name in rest}}


@dataclass(frozen=True)
class StartJob(Message):
    """Host → worker: grade one submission; its channel comes as a descriptor."""

    TAG = "job"
    TYPES = {"job": str, "max_output": int}
    job: str
    max_output: int


@dataclass(frozen=True)
class _JobOrder(Message):
    """Host → worker: an order about the job named by its key."""

    job: str


class StopJob(_JobOrder):
    """End the job now (its time is up, or it broke the protocol)."""

    TAG, TYPES = "stop", {"stop": str}


class InterruptJob(_JobOrder):
    """Interrupt the cell that is running (it reached its time limit)."""

    TAG, TYPES = "interrupt", {"interrupt": str}


@dataclass(frozen=True)
class Ready(Message):
    """Worker → host, once: the libraries are loaded."""

    TAG = "ready"
    TYPES = {"ready": int}
    pid: int


@dataclass(frozen=True)
class JobEnded(Message):
    """Worker → host: every process of the job has gone."""

    TAG = "end"
    TYPES = {"end": str, "exit": (int, type(None)), "signal": int, "reason": str, "clean": bool}
    job: str
    exit: int | None  # the exit code, or None if a signal ended it
    signal: int  # the signal that ended it, or 0
    reason: str  # why the worker ended it ("" if it ended by itself)
    clean: bool  # the scratch folders could be emptied (else the worker starts afresh)


@dataclass(frozen=True)
class RunCell(Message):
    """Host → the learner's process: run this cell (``restore``: with Python's
    own builtins, for a test cell's whole run)."""

    TAG = "run"
    TYPES = {"run": int, "source": str, "nonce": str, "restore": bool}
    index: int
    source: str
    nonce: str
    restore: bool = False


@dataclass(frozen=True)
class Exit(Message):
    """Host → the learner's process: every cell has run."""

    TAG = "exit"
    TYPES = {"exit": bool}
    exit: bool = True


@dataclass(frozen=True)
class CellRan(Message):
    """The learner's process → host: what one cell did."""

    TAG = "ran"
    TYPES = {"ran": int, "nonce": str, "count": int, "outputs": list, "failed": bool}
    index: int
    nonce: str
    count: int
    outputs: list[dict[str, Any]]
    failed: bool
    tampered: list[str] = field(default_factory=list)  # what the learner's code replaced


_KINDS = (StartJob, StopJob, InterruptJob, Ready, JobEnded, RunCell, Exit, CellRan)
for _kind in _KINDS:
    _kind.NAMES = tuple(f.name for f in dataclasses.fields(_kind))


def read(message: dict[str, Any], *expected: type[Message], where: str = "the other process") -> Message:
    """The message ``message`` is, if it is one of the ``expected`` kinds with
    every field of the right type; else :class:`ProtocolError` naming ``where``
    it came from."""
    for kind in expected or _KINDS:
        if kind.TAG in message:
            wrong = [key for key, types in kind.TYPES.items()
                     if key not in message or not _is(message[key], types)]
            if wrong:
                raise ProtocolError(f"{where} sent a {kind.__name__} message of the wrong shape "
                                    f"({', '.join(wrong)})")
            values = [message[kind.TAG]] + [message[n] for n in kind.NAMES[1:] if n in message]
            made = kind(*values)
            if isinstance(made, CellRan):
                if not all(isinstance(o, dict) for o in made.outputs):
                    raise ProtocolError(f"{where} sent a CellRan message of the wrong shape (outputs)")
                tampered = made.tampered if isinstance(made.tampered, list) else []
                made = dataclasses.replace(made, tampered=[str(t)[:120] for t in tampered])
            return made
    raise ProtocolError(f"{where} sent a message out of turn")


def _is(value: Any, types: type | tuple[type, ...]) -> bool:
    """``isinstance``, where a bool is not an int (JSON keeps them apart)."""
    if isinstance(value, bool) and types is not bool and bool not in (types if isinstance(types, tuple) else ()):
        return False
    return isinstance(value, types)
