"""Every message grading passes between processes, typed, in one place.

Three parties talk while a submission is graded (see
:mod:`coproduction.cohort.channel` for how the bytes travel):

* host → worker, on the control socket: :class:`StartJob` (carrying the job's
  own channel as a descriptor), :class:`StopJob`, :class:`InterruptJob`;
* worker → host: :class:`Ready` once, then :class:`JobEnded` after each job;
* host → the learner's process, on the job's channel: :class:`RunCell` for
  each cell the learner can see, then :class:`Serve`, then :class:`Exit`;
* the learner's process → host: :class:`CellRan` for each cell;
* host → the judge (:mod:`coproduction.cohort.judge`), on its own channel:
  :class:`Bind` once (the answers the host read from the saved notebook),
  :class:`RunCell` for the set-up and each test cell, then :class:`Exit`;
  the judge answers each with :class:`CellRan`;
* the judge → the learner's process: :class:`Lookup` and :class:`Call`,
  answered with :class:`Found` (values as data, :mod:`coproduction.cohort.values`).

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

__all__ = ["StartJob", "StopJob", "InterruptJob", "Ready", "JobEnded", "RunCell", "Serve", "Bind", "Lookup", "Call",
           "Found", "Exit", "CellRan", "read", "Message"]


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
    max_output: int  # its two descriptors: the learner's process's channel, then the judge's


@dataclass(frozen=True)
class _JobOrder(Message):
    """Host → worker: an order about the job named by its key."""

    job: str


class StopJob(_JobOrder):
    """End the job now (its time is up, or it broke the protocol)."""

    TAG, TYPES = "stop", {"stop": str}


@dataclass(frozen=True)
class InterruptJob(Message):
    """Interrupt the cell that is running (it reached its time limit); ``judge``:
    the judge runs it (and the learner's process a call it made)."""

    TAG, TYPES = "interrupt", {"interrupt": str, "judge": bool}
    job: str
    judge: bool = False


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
    TYPES = {"end": str, "exit": (int, type(None)), "signal": int, "reason": str, "clean": bool, "judge": str}
    job: str
    exit: int | None  # the exit code, or None if a signal ended it
    signal: int  # the signal that ended it, or 0
    reason: str  # why the worker ended it ("" if it ended by itself)
    clean: bool  # the scratch folders could be emptied (else the worker starts afresh)
    judge: str = ""  # how the judge ended, if not by itself ("killed by signal 9")


@dataclass(frozen=True)
class RunCell(Message):
    """Host → the learner's process or the judge: run this cell."""

    TAG = "run"
    TYPES = {"run": int, "source": str, "nonce": str}
    index: int
    source: str
    nonce: str


@dataclass(frozen=True)
class Serve(Message):
    """Host → the learner's process: every cell has run; answer the judge's
    lookups and calls until it has finished."""

    TAG = "serve"
    TYPES = {"serve": bool}
    serve: bool = True


@dataclass(frozen=True)
class Bind(Message):
    """Host → the judge: the answers read from the saved notebook (encoded
    values, by name), and the names never to ask the learner's process for."""

    TAG = "bind"
    TYPES = {"bind": dict, "withheld": list}
    values: dict[str, Any]
    withheld: list[str]


@dataclass(frozen=True)
class Lookup(Message):
    """The judge → the learner's process: what does ``name`` hold?"""

    TAG = "get"
    TYPES = {"get": str, "nonce": str}
    name: str
    nonce: str


@dataclass(frozen=True)
class Call(Message):
    """The judge → the learner's process: call the function ``name``."""

    TAG = "call"
    TYPES = {"call": str, "nonce": str, "args": list, "kwargs": dict}
    name: str
    nonce: str
    args: list[Any]
    kwargs: dict[str, Any]


@dataclass(frozen=True)
class Found(Message):
    """The learner's process → the judge: ``kind`` is absent, value, function,
    empty function or raised; ``value`` the value (or the error's kind and
    message); ``args`` the call's arguments afterwards."""

    TAG = "found"
    TYPES = {"found": str, "kind": str, "args": list}
    nonce: str
    kind: str
    value: Any = None
    args: list[Any] = field(default_factory=list)


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
    line: int = 0  # the judge: the line the cell failed at


_KINDS = (StartJob, StopJob, InterruptJob, Ready, JobEnded, RunCell, Serve, Bind, Lookup, Call, Found, Exit, CellRan)
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
            fields = {kind.NAMES[0]: message[kind.TAG], **{n: message[n] for n in kind.NAMES[1:] if n in message}}
            made = kind(**fields)
            if isinstance(made, CellRan):
                if not all(isinstance(o, dict) for o in made.outputs):
                    raise ProtocolError(f"{where} sent a CellRan message of the wrong shape (outputs)")
                tampered = made.tampered if isinstance(made.tampered, list) else []
                line = made.line if type(made.line) is int else 0
                made = dataclasses.replace(made, tampered=[str(t)[:120] for t in tampered], line=line)
            return made
    raise ProtocolError(f"{where} sent a message out of turn")


def _is(value: Any, types: type | tuple[type, ...]) -> bool:
    """``isinstance``, where a bool is not an int (JSON keeps them apart)."""
    if isinstance(value, bool) and types is not bool and bool not in (types if isinstance(types, tuple) else ()):
        return False
    return isinstance(value, types)
