"""Every setting of a grading run, each default written once.

What the trainer chooses for a run (:class:`Settings`, the options of
``coproduction autograde``, whose help shows each default from here), what one
learner's processes may use (:data:`LIMITS`), how long the pool waits for a
worker (:data:`GRACES`) and the sandbox's scratch space (:data:`SCRATCH_SPACE`).
The host, the pool, the worker and the sandbox all read them from this module,
which imports nothing and changes nothing when imported.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["Settings", "Limits", "LIMITS", "Graces", "GRACES", "ScratchSpace", "SCRATCH_SPACE", "add_arguments",
           "from_arguments"]


def _option(default: Any, help: str, shown: str | None = None, **argparse_options: Any) -> Any:
    """A field of :class:`Settings` that is also a command-line option."""
    return field(default=default, metadata={"help": help, "shown": shown, "argparse": argparse_options})


@dataclass(frozen=True)
class Settings:
    """How a grading run runs, as the trainer chose it."""

    workers: int | None = _option(None, "parallel workers", shown="one per core", type=int)
    timeout: float = _option(60.0, "seconds any one cell may run, as nbgrader's", type=float)
    total_timeout: float = _option(300.0, "seconds a whole notebook may run", type=float)
    max_output: int = _option(20_000, "characters of output kept per cell", type=int)
    sandbox: str = _option("auto", "bubblewrap sandbox: auto (where available), required, or off",
                           choices=("auto", "required", "off"))
    force: bool = _option(False, "grade again even what is already graded", action="store_true")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add every field of :class:`Settings` to ``parser`` as ``--name``, its
    help ending with its default."""
    for spec in fields(Settings):
        meta = spec.metadata
        options = dict(meta["argparse"])
        help_text = meta["help"]
        if options.get("action") != "store_true":
            shown = meta["shown"] or (f"{spec.default:g}" if isinstance(spec.default, float) else spec.default)
            help_text += f" (default: {shown})"
            options["default"] = spec.default
        parser.add_argument(f"--{spec.name.replace('_', '-')}", help=help_text, **options)


def from_arguments(args: argparse.Namespace) -> Settings:
    """The :class:`Settings` that parsed arguments (from :func:`add_arguments`) ask for."""
    return Settings(**{spec.name: getattr(args, spec.name) for spec in fields(Settings)})


@dataclass(frozen=True)
class Limits:
    """What one learner's processes may use, together and each."""

    #: Memory all of one job's processes may hold together (resident), checked every few ms.
    memory_total: int = 2 * 1024**3
    #: Address space of any one process: Python raises MemoryError beyond it.
    memory_each: int = 4 * 1024**3
    #: Largest file a learner's code may write.
    file_size: int = 64 * 1024**2
    #: Processes and threads the job may run at once (sandboxed only: elsewhere the
    #: count would include the trainer's own processes).
    processes: int = 64


@dataclass(frozen=True)
class Graces:
    """Seconds the pool waits before it gives up on a worker."""

    #: For a worker to report the end of a job it was asked to stop.
    stop: float = 10.0
    #: For a new worker to import everything and say it is ready.
    start: float = 120.0
    #: For an interrupted cell to stop before its whole job is stopped.
    interrupt: float = 5.0


@dataclass(frozen=True)
class ScratchSpace:
    """The sandbox's writable memory-backed folders."""

    #: ``/tmp`` inside the sandbox (the learner's working folder is under it).
    tmp: int = 256 * 1024**2
    #: ``/dev/shm`` inside the sandbox.
    shm: int = 16 * 1024**2


LIMITS = Limits()
GRACES = Graces()
SCRATCH_SPACE = ScratchSpace()
