"""Module 3, input investment: what a system must put into people for them
to co-produce, and what a co-production plan costs.

Sources (see ``book/references.bib``): peoplehub's account of input across
the spectrum and the five things people need (seed 002); the five levels
and the costs finance must budget (seed 003); fair allocation of resources
(seed 001, step 6). Payment rates and benefit limits change, so they are
never constants in the logic: :data:`EXAMPLE_RATES` holds dated, cited
examples that a learner passes in, and checks against the current official
figures before using.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Mapping

import pandas as pd

from coproduction.errors import CourseInputError
from coproduction.ladder import SPECTRUM_ORDER, rank

__all__ = ["PERMITTED_WORK_HOURS", 
    "InvestmentError",
    "PEOPLE_NEED",
    "INPUT_MEASURES",
    "INPUT_ACROSS_SPECTRUM",
    "input_profile",
    "ExampleRate",
    "EXAMPLE_RATES",
    "Plan",
    "Budget",
    "budget",
    "retention_by_payment",
]


class InvestmentError(CourseInputError):
    """Bad input to an investment function; the message says what to fix."""


#: What people need in order to co-produce (peoplehub), in the course's words.
PEOPLE_NEED: tuple[str, ...] = (
    "An understanding of the challenges the system faces and the resources it has",
    "Knowledge of what is open to change, and what is not",
    "Information on the relevant policy, and chances to influence where it goes",
    "Skills to work constructively with decision-makers",
    "To know what effect their input had",
)

INPUT_MEASURES: tuple[str, ...] = ("input from the system", "input into people", "input from people",
                                   "strength of the relationship")

#: Relative amounts on a 0-4 scale: the course's reading of peoplehub's
#: description (Inform: the system only gives information; Co-produce:
#: significant input both into and from people, and the strongest
#: relationship, which starts once people share views and influence
#: decisions). Illustrative, not measured.
INPUT_ACROSS_SPECTRUM: Mapping[str, tuple[int, int, int, int]] = {
    "Inform": (1, 0, 0, 0),
    "Educate": (2, 1, 0, 0),
    "Consult": (2, 1, 1, 1),
    "Engage": (3, 2, 2, 2),
    "Co-design": (3, 3, 3, 3),
    "Co-produce": (4, 4, 4, 4),
}


def input_profile(type_name: str) -> dict[str, int]:
    """The four relative inputs for one spectrum type."""
    rank(type_name)  # raises a clear error for an unknown type
    return dict(zip(INPUT_MEASURES, INPUT_ACROSS_SPECTRUM[type_name]))


@dataclass(frozen=True)
class ExampleRate:
    """A dated figure from a cited source: an example, never a constant."""

    name: str
    value: float
    unit: str
    as_of: str
    source: str  # a key in book/references.bib
    note: str = ""


#: ESA permitted work (the higher limit) is only for work under this many hours a week.
PERMITTED_WORK_HOURS = 16.0

EXAMPLE_RATES: tuple[ExampleRate, ...] = (
    ExampleRate("NIHR public involvement payment, bottom of the range", 13.80, "GBP (unit not reported)",
                "from 16 December 2025", "nihr_uplift2025",
                "A news report of NIHR's 10% rise gives a range of GBP 13.80 to 495 without saying whether "
                "a figure is per hour or per activity; NIHR's own payment guidance sets out what each covers."),
    ExampleRate("ESA permitted work higher limit", 183.50, "GBP per week", "from April 2024", "entitledto_permitted",
                "Only for work under 16 hours a week, and DWP must be told before the work starts. "
                "GBP 167 in 2023/24 and GBP 195.50 from April 2025 (course brief's review); the limits "
                "change every April."),
    ExampleRate("ESA permitted work lower limit", 20.0, "GBP per week", "2024", "scope_permitted",
                "Earnings up to this amount, for any hours and any length of time."),
)


@dataclass(frozen=True)
class Plan:
    """A co-production plan's inputs. Every rate is the learner's to set."""

    participation_type: str = "Co-design"
    participants: int = 12
    groups: int = 1
    sessions: int = 6  # per group
    months: int = 6
    hours_per_session: float = 2.5
    prep_hours_per_session: float = 1.0  # participants' reading and preparation, paid
    payment_per_hour: float = 15.0
    travel_per_attendance: float = 8.0
    care_per_attendance: float = 0.0  # replacement care so carers can attend
    interpreting_per_session: float = 0.0
    participant_training: float = 0.0  # total budget to train participants
    staff_training: float = 0.0
    staff_per_session: int = 2
    staff_hours_per_session: float = 5.0  # includes preparation and follow-up
    staff_hourly_cost: float = 30.0
    weekly_benefit_limit: float = 0.0  # 0 means no limit checked (and no hours rule either)
    sessions_per_week: int = 1  # the most sessions one person attends in a week

    def __post_init__(self) -> None:
        if self.participation_type not in SPECTRUM_ORDER:
            raise InvestmentError(
                f"participation_type must be a spectrum type ({', '.join(SPECTRUM_ORDER)}), "
                f"not {self.participation_type!r}."
            )
        for name, value in asdict(self).items():
            if name == "participation_type":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvestmentError(f"{name.replace('_', ' ')} must be a number, not {value!r}.")
            if value < 0:
                raise InvestmentError(f"{name.replace('_', ' ')} cannot be negative ({value}).")
        for name in ("participants", "groups", "sessions", "months", "sessions_per_week"):
            if getattr(self, name) < 1 or getattr(self, name) != int(getattr(self, name)):
                raise InvestmentError(f"{name.replace('_', ' ')} must be a whole number of at least 1.")
        if self.participants < self.groups:
            raise InvestmentError(f"{self.participants} participants cannot fill {self.groups} groups.")


@dataclass(frozen=True)
class Budget:
    """What a plan costs, and what in it cannot work."""

    breakdown: dict[str, float]
    participant_hours: float
    warnings: tuple[str, ...]

    @property
    def total(self) -> float:
        return sum(self.breakdown.values())

    @property
    def per_participant_hour(self) -> float:
        return self.total / self.participant_hours if self.participant_hours else 0.0


def budget(plan: Plan) -> Budget:
    """Cost a plan line by line, with warnings for plans that cannot work."""
    attendances = plan.participants * plan.sessions  # each person joins their group's sessions
    sessions_run = plan.groups * plan.sessions
    paid_hours = attendances * (plan.hours_per_session + plan.prep_hours_per_session)
    breakdown = {
        "payment for participants' time": paid_hours * plan.payment_per_hour,
        "travel": attendances * plan.travel_per_attendance,
        "care so people can attend": attendances * plan.care_per_attendance,
        "interpreting": sessions_run * plan.interpreting_per_session,
        "training for participants": plan.participant_training,
        "training for staff": plan.staff_training,
        "staff time": sessions_run * plan.staff_per_session * plan.staff_hours_per_session
        * plan.staff_hourly_cost,
    }
    return Budget(breakdown=breakdown, participant_hours=attendances * plan.hours_per_session,
                  warnings=_warnings(plan))


def _warnings(plan: Plan) -> tuple[str, ...]:
    out = []
    deep = rank(plan.participation_type) >= rank("Co-design")
    if deep and plan.participant_training == 0:
        out.append(f"{plan.participation_type} needs people to have the knowledge, skills and confidence to "
                   "take part, but nothing is budgeted to train participants.")
    if deep and plan.payment_per_hour == 0:
        out.append("Nobody is paid for their time: recognition and reward are part of a co-production "
                   "culture, and unpaid work excludes those who cannot afford to give it.")
    if plan.participation_type == "Co-produce" and plan.months < 6:
        out.append("Co-production works in depth over a long time; under six months is short "
                   "(the Reading Agency's ran for 16 to 18 months).")
    if plan.staff_hours_per_session <= plan.hours_per_session:
        out.append("Staff hours only cover the sessions: preparation and telling people what effect "
                   "their input had also take staff time.")
    hours = plan.sessions_per_week * (plan.hours_per_session + plan.prep_hours_per_session)
    weekly = hours * plan.payment_per_hour
    advice = ("Expenses do not count as earnings but payments, vouchers included, usually do; spread the "
              "sessions out, and make sure each person can get independent welfare rights advice first.")
    if plan.weekly_benefit_limit and weekly > plan.weekly_benefit_limit:
        out.append(f"A participant could be paid GBP {weekly:,.2f} in a week, above the benefit limit of "
                   f"GBP {plan.weekly_benefit_limit:,.2f} you set. {advice}")
    if plan.weekly_benefit_limit and plan.payment_per_hour and hours >= PERMITTED_WORK_HOURS:
        out.append(f"A participant would be paid for {hours:g} hours in a week: ESA permitted work must be under "
                   f"{PERMITTED_WORK_HOURS:g} hours a week whatever the pay, and DWP must be told before it "
                   f"starts. {advice}")
    return tuple(out)


def retention_by_payment(projects: pd.DataFrame) -> pd.Series:
    """Share of participants who stayed to the end, for paid and unpaid projects."""
    for column in ("participants_paid", "participants", "stayed_to_end"):
        if column not in projects.columns:
            raise InvestmentError(f"The table has no column {column!r}.")
    sums = projects.groupby("participants_paid")[["stayed_to_end", "participants"]].sum()
    rate = sums["stayed_to_end"] / sums["participants"]
    rate.index = rate.index.map({True: "paid", False: "unpaid"})
    return rate.reindex(["paid", "unpaid"]).astype(float).rename("stayed to the end")
