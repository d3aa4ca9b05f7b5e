"""One submission's run, as data: the cells to run in order (:class:`Step`),
what the judge starts from (:class:`Plan`), and what happened
(:class:`Outcome`). :mod:`coproduction.cohort.prepare` makes the plan, the
pool (:mod:`coproduction.cohort.pool`) runs it and
:mod:`coproduction.cohort.scoring` reads the outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coproduction.cohort.protocol import Bind

__all__ = ["Step", "Plan", "Outcome"]


@dataclass(frozen=True)
class Step:
    """One cell to run: ``index`` in the notebook; ``hidden`` for a test cell's
    whole run in the judge; ``setup`` for a set-up cell the judge runs first."""

    index: int
    source: str
    hidden: bool = False
    setup: bool = False

    @property
    def judged(self) -> bool:
        """Whether the judge runs it (else the learner's process does)."""
        return self.hidden or self.setup


@dataclass
class Plan:
    """A submission's steps, with what the judge starts from: the answers the
    host read from the saved notebook's answer cells (encoded values, by name,
    by cell index), and the core track's names, which the judge never asks
    the learner's process for. An answer cell that failed when it ran
    (``1/0`` before ``q1 = "Consult"``) gives the judge nothing, as its
    values were never set."""

    steps: list[Step]
    answers: dict[int, dict[str, Any]] = field(default_factory=dict)
    core: list[str] = field(default_factory=list)

    def bind(self, results: dict[int, dict[str, Any]]) -> Bind:
        """What the judge starts from, once the learner's cells have run with ``results``."""
        values: dict[str, Any] = {}
        for index, written in sorted(self.answers.items()):
            if index in results and not results[index]["failed"]:
                values.update(written)
        return Bind(values, sorted(set(self.core) - set(values)))


@dataclass
class Outcome:
    """What happened to one submission's run."""

    end: str  # finished, timeout, crashed or needs review
    detail: str = ""
    results: dict[int, dict[str, Any]] = field(default_factory=dict)  # visible runs, by cell index
    hidden: dict[int, dict[str, Any]] = field(default_factory=dict)  # whole test-cell runs, in the judge
    setup: dict[int, dict[str, Any]] = field(default_factory=dict)  # the judge's set-up cells
    judge: str = ""  # how the judge ended, if not by itself
    tampered: list[str] = field(default_factory=list)  # what the learner's code replaced
    interrupted: list[int] = field(default_factory=list)  # cells stopped at their time limit
    seconds: float = 0.0
