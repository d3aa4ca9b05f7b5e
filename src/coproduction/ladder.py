"""Module 1, the ladder: a classifier that places an engagement activity on
the three ladders of participation (their levels, as data, are in
:mod:`coproduction.ladder_levels`; this module hands those names on, so
notebooks, figures and exercises import everything of module 1 from here),
and an organisation's portfolio of activities as labelled and as supported.

Names are spelled once and used everywhere else (notebooks, datasets,
exercises, book): import them rather than retyping them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Sequence

import pandas as pd

from coproduction.errors import CourseInputError
from coproduction.ladder_levels import (ARNSTEIN_RUNGS, COPRODUCTION_STEPS, CORRESPONDENCE, LADDERS, SPECTRUM_ORDER,
                                        SPECTRUM_TYPES, Level)

__all__ = [
    "Level",
    "ARNSTEIN_RUNGS",
    "COPRODUCTION_STEPS",
    "SPECTRUM_TYPES",
    "SPECTRUM_ORDER",
    "CORRESPONDENCE",
    "ANSWER_OPTIONS",
    "WHO_OPTIONS",
    "Activity",
    "Placement",
    "LadderError",
    "ALL_DEPARTMENTS",
    "Portfolio",
    "portfolio",
    "classify",
    "place",
    "sham_consultation",
    "TOKENISM_NOTE",
    "placement_of",
    "spectrum_type",
    "rank",
    "tally_by_type",
    "share_doing_with",
    "overlabelled",
    "levels_table",
    "correspondence_table",
]


class LadderError(CourseInputError):
    """A ladder function was given something it cannot use; the message says what."""


#: The answer an activity invites from people, lowest first.
ANSWER_OPTIONS: tuple[str, ...] = ("none", "understanding", "yes or no", "open views")
#: Who sets the objective, or who decides how to reach it.
WHO_OPTIONS: tuple[str, ...] = ("organisation", "together")

Answer = Literal["none", "understanding", "yes or no", "open views"]
Who = Literal["organisation", "together"]


@dataclass(frozen=True)
class Activity:
    """An engagement activity described by the questions that separate the
    spectrum's types.

    Attributes:
        decision_made: has the organisation already made the decision?
        answer_sought: the response invited from people: ``"none"``,
            ``"understanding"`` (do you understand?), ``"yes or no"`` (do you
            agree?) or ``"open views"`` (what do you think?).
        objective_set_by: who set the objective and priorities:
            ``"organisation"`` or ``"together"``.
        method_decided_by: who decides how to reach the objective.
        participants: how many people take part (breadth).
        sessions: how many sessions each person takes part in (depth).
    """

    decision_made: bool
    answer_sought: Answer
    objective_set_by: Who = "organisation"
    method_decided_by: Who = "organisation"
    participants: int = 1
    sessions: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.decision_made, bool):
            raise LadderError(
                f"decision_made must be True or False, not {self.decision_made!r}."
            )
        _check_choice("answer_sought", self.answer_sought, ANSWER_OPTIONS)
        _check_choice("objective_set_by", self.objective_set_by, WHO_OPTIONS)
        _check_choice("method_decided_by", self.method_decided_by, WHO_OPTIONS)
        _check_count("participants", self.participants)
        _check_count("sessions", self.sessions)


@dataclass(frozen=True)
class Placement:
    """Where an activity sits on all three ladders, and why."""

    spectrum_type: Level
    coproduction_step: Level
    arnstein_rungs: tuple[Level, ...]
    reasons: tuple[str, ...]
    cautions: tuple[str, ...] = field(default=())
    tokenism: bool = False  # a sham consultation: views sought on a decision already taken

    @property
    def doing_with(self) -> bool:
        """True when the ladder of co-production counts it as doing with."""
        return self.coproduction_step.group == "doing with"

    def summary(self) -> str:
        """One line naming the level on each ladder."""
        rungs = " / ".join(f"{r.position} {r.name}" for r in self.arnstein_rungs)
        return (
            f"Spectrum: {self.spectrum_type.name} · Ladder of co-production: "
            f"{self.coproduction_step.name} ({self.coproduction_step.group}) · "
            f"Arnstein: {rungs}" + (" · Tokenism: a sham consultation" if self.tokenism else "")
        )


def _check_choice(name: str, value: object, options: Sequence[str]) -> None:
    if value not in options:
        choices = ", ".join(repr(o) for o in options)
        raise LadderError(f"{name} must be one of {choices}, not {value!r}.")


def _check_count(name: str, value: object) -> None:
    # bool is an int subclass, but True people is a mistake worth naming.
    if isinstance(value, bool) or not isinstance(value, int):
        raise LadderError(f"{name} must be a whole number, not {value!r}.")
    if value < 1:
        raise LadderError(f"{name} must be at least 1, not {value}.")


def spectrum_type(name: str) -> Level:
    """Return the spectrum type called ``name`` (e.g. ``"Co-design"``)."""
    for level in SPECTRUM_TYPES:
        if level.name == name:
            return level
    raise LadderError(
        f"{name!r} is not a type on the Spectrum of Participation; "
        f"the types are {', '.join(SPECTRUM_ORDER)}."
    )


def rank(name: str) -> int:
    """Position of a spectrum type from 1 (Inform) to 6 (Co-produce)."""
    return spectrum_type(name).position


def _step_of(type_name: str) -> Level:
    """The ladder-of-co-production step that corresponds to a spectrum type."""
    step_name = CORRESPONDENCE[spectrum_type(type_name).name][0]
    return next(s for s in COPRODUCTION_STEPS if s.name == step_name)


def classify(activity: Activity) -> tuple[str, tuple[str, ...]]:
    """Name the spectrum type an activity meets, with the reasons in words.

    The rules read peoplehub's key questions from the top down: the highest
    type whose conditions hold is the answer. What an activity is *called*
    plays no part.
    """
    a = activity
    if a.decision_made:
        if a.answer_sought == "none":
            return "Inform", ("The decision is already made and no response is invited.",)
        reasons = ["The decision is already made, so no answer can change it."]
        if a.answer_sought != "understanding":
            reasons.append(
                f"Asking for '{a.answer_sought}' on a settled decision is explanation at best, "
                "whatever the activity is called."
            )
        else:
            reasons.append("People are helped to understand it and asked whether they do.")
        return "Educate", tuple(reasons)
    if a.answer_sought == "none":
        return "Inform", ("No response is invited, so people are only told what is happening.",)
    if a.answer_sought == "understanding":
        return "Educate", ("People are asked whether they understand, not what they think.",)
    if a.answer_sought == "yes or no":
        return "Consult", ("The decision is still open and people are asked to agree or disagree.",)
    if a.objective_set_by == "together":
        return "Co-produce", (
            "The decision is open and people give their views in their own words.",
            "People and the organisation set the objective and priorities together.",
        )
    if a.method_decided_by == "together":
        return "Co-design", (
            "The organisation set the objective.",
            "People decide with the organisation how to reach it.",
        )
    return "Engage", (
        "The decision is open and people give their views in their own words.",
        "The organisation keeps both the objective and the decision on how to reach it.",
    )


def _cautions(activity: Activity, type_name: str) -> tuple[str, ...]:
    """Breadth and depth checks: the spectrum trades reach for depth."""
    out: list[str] = []
    position = rank(type_name)
    if position >= rank("Co-design") and activity.sessions == 1:
        out.append(
            f"{type_name} happens over time; a single session is unlikely to give people "
            "the understanding and influence it needs."
        )
    if position >= rank("Co-design") and activity.participants > 50:
        out.append(
            f"{type_name} works best with a fairly small, consistent group; "
            f"{activity.participants} people is a lot to share decisions with."
        )
    if type_name == "Co-produce" and activity.sessions < 4:
        out.append(
            "Co-production means working in depth and long-term: the organisation invests in "
            "people's knowledge, skills and confidence, which takes more than a few sessions."
        )
    return tuple(out)


def placement_of(type_name: str, reasons: tuple[str, ...] = (), cautions: tuple[str, ...] = ()) -> Placement:
    """The levels on all three ladders that correspond to a spectrum type."""
    _, rungs, _ = CORRESPONDENCE[spectrum_type(type_name).name]
    return Placement(
        spectrum_type=spectrum_type(type_name),
        coproduction_step=_step_of(type_name),
        arnstein_rungs=tuple(ARNSTEIN_RUNGS[r - 1] for r in rungs),
        reasons=reasons,
        cautions=cautions,
    )


#: What a sham consultation is, in the course's words (Arnstein's "degrees of tokenism").
TOKENISM_NOTE = ("Tokenism: asking people to agree with, or comment on, a decision already taken is a sham "
                 "consultation. People are heard but cannot change anything: what Arnstein called the degrees "
                 "of tokenism, however the activity is labelled.")


def sham_consultation(activity: Activity) -> bool:
    """True when people are asked for a yes or no, or for their views, on a
    decision that is already made: tokenism, not just explanation."""
    return activity.decision_made and activity.answer_sought in ("yes or no", "open views")


def place(activity: Activity) -> Placement:
    """Place an activity on all three ladders, with reasons and cautions."""
    type_name, reasons = classify(activity)
    note = CORRESPONDENCE[type_name][2]
    sham = sham_consultation(activity)
    placement = placement_of(
        type_name,
        reasons=reasons + (f"On the other ladders: {note}",),
        cautions=((TOKENISM_NOTE,) if sham else ()) + _cautions(activity, type_name),
    )
    return replace(placement, tokenism=sham)


def levels_table(ladder: str) -> pd.DataFrame:
    """One ladder as a table, bottom (1) first: "Arnstein's ladder",
    "Ladder of co-production" or "Spectrum of Participation"."""
    if ladder not in LADDERS:
        raise LadderError(f"{ladder!r} is not one of the ladders: {', '.join(LADDERS)}.")
    levels = LADDERS[ladder]
    frame = pd.DataFrame(
        {
            "level": [lv.name for lv in levels],
            "band": [lv.group for lv in levels],
            "key question": [lv.key_question for lv in levels],
            "what it means": [lv.summary for lv in levels],
        },
        index=pd.Index([lv.position for lv in levels], name="position"),
    )
    # Keep only the columns this ladder has.
    return frame.loc[:, (frame != "").any()]


def correspondence_table() -> pd.DataFrame:
    """How the spectrum's types line up with the other two ladders."""
    return pd.DataFrame(
        {
            "Ladder of co-production": [step for step, _, _ in CORRESPONDENCE.values()],
            "Arnstein's ladder": [
                " / ".join(ARNSTEIN_RUNGS[r - 1].name for r in rungs)
                for _, rungs, _ in CORRESPONDENCE.values()
            ],
            "how close": [note for _, _, note in CORRESPONDENCE.values()],
        },
        index=pd.Index(list(CORRESPONDENCE), name="Spectrum of Participation"),
    )


# --- A portfolio of activities (a DataFrame shaped like engagement_activities.csv)


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise LadderError(f"Expected a pandas DataFrame, got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LadderError(
            f"The table has no column(s) {', '.join(map(repr, missing))}; "
            f"it has {', '.join(map(repr, frame.columns))}."
        )


def tally_by_type(frame: pd.DataFrame, column: str = "spectrum_type") -> pd.Series:
    """Count activities at each spectrum type, in spectrum order, zeros kept."""
    _require_columns(frame, [column])
    unknown = sorted(set(frame[column]) - set(SPECTRUM_ORDER))
    if unknown:
        raise LadderError(f"Column {column!r} has values that are not spectrum types: {unknown}.")
    counts = frame[column].value_counts().reindex(list(SPECTRUM_ORDER), fill_value=0)
    counts.name = "activities"
    counts.index.name = column
    return counts.astype(int)


def share_doing_with(frame: pd.DataFrame, column: str = "spectrum_type") -> float:
    """Share of activities that the ladder of co-production counts as doing
    with (Co-design or Co-produce by the spectrum's criteria); 0.0 when empty."""
    counts = tally_by_type(frame, column)
    total = int(counts.sum())
    if total == 0:
        return 0.0
    with_types = [t for t in SPECTRUM_ORDER if _step_of(t).group == "doing with"]
    return float(counts[with_types].sum() / total)


def overlabelled(
    frame: pd.DataFrame, label: str = "label", actual: str = "spectrum_type"
) -> pd.DataFrame:
    """Activities labelled higher than their criteria support: where tokenism
    hides. Adds ``levels_over``: how many spectrum types too high the label is."""
    _require_columns(frame, [label, actual])
    positions = {name: i for i, name in enumerate(SPECTRUM_ORDER, start=1)}
    bad = sorted((set(frame[label]) | set(frame[actual])) - set(positions))
    if bad:
        raise LadderError(f"Values that are not spectrum types: {bad}.")
    gap = frame[label].map(positions) - frame[actual].map(positions)
    out = frame.loc[gap > 0].copy()
    out["levels_over"] = gap[gap > 0].astype(int)
    return out


#: The portfolio scenario's choice for the whole county.
ALL_DEPARTMENTS = "All departments"


@dataclass(frozen=True)
class Portfolio:
    """One department's engagement activities (or the whole county's), as
    labelled and as their answers support: what the portfolio scenario shows
    and its figure draws."""

    scope: str  # "Housing", or "Eastmere County (all departments)"
    activities: int
    labelled: pd.Series  # activities at each spectrum type, as the department labelled them
    supported: pd.Series  # activities at each spectrum type, by the spectrum's criteria
    claimed_doing_with: float  # share doing with, by their labels
    doing_with: float  # share doing with, by the criteria
    overlabelled: pd.DataFrame  # labelled at least min_levels_over types higher than supported
    min_levels_over: int


def portfolio(frame: pd.DataFrame, department: str = ALL_DEPARTMENTS, min_levels_over: int = 1) -> Portfolio:
    """The portfolio of ``department`` (or :data:`ALL_DEPARTMENTS`), listing the
    activities labelled at least ``min_levels_over`` types (1 to 5) too high."""
    if isinstance(min_levels_over, bool) or not isinstance(min_levels_over, int):
        raise LadderError(f"The number of levels must be a whole number, not {min_levels_over!r}.")
    if not 1 <= min_levels_over <= len(SPECTRUM_ORDER) - 1:
        raise LadderError(f"A label can be 1 to {len(SPECTRUM_ORDER) - 1} levels too high on a "
                          f"{len(SPECTRUM_ORDER)}-type spectrum; {min_levels_over} is out of range.")
    scope = "Eastmere County (all departments)"
    if department != ALL_DEPARTMENTS:
        _require_columns(frame, ["department"])
        known = sorted(frame["department"].unique())
        if department not in known:
            raise LadderError(f"{department!r} is not a department here; try one of {', '.join(known)}.")
        frame, scope = frame[frame["department"] == department], department
    flagged = overlabelled(frame)
    return Portfolio(scope, len(frame), tally_by_type(frame, "label"), tally_by_type(frame, "spectrum_type"),
                     share_doing_with(frame, "label"), share_doing_with(frame, "spectrum_type"),
                     flagged[flagged["levels_over"] >= min_levels_over], min_levels_over)
