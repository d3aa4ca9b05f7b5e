"""Module 4, evidence-backed decisions: honest numbers from small groups,
peoplehub's national and local "blue + pink = purple" picture, and weighing
each kind of evidence for a proposal.

Sources (see ``book/references.bib``): Wilson (1927) for the score interval
of a proportion; Newcombe (1998) for the interval of a difference between
two proportions built from Wilson intervals; peoplehub (seed 002) for the
national and local graphic; ImROC's seventh tip (seed 004) for backing
personal experience with evidence that reaches beyond one person.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING, Iterable, Literal

from coproduction.errors import CourseInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EvidenceError",
    "wilson_interval",
    "Rate",
    "rates",
    "Difference",
    "compare_rates",
    "Blend",
    "keeping_it_purple",
    "Verdict",
    "VERDICTS",
    "judge_narratives",
    "judge_difference",
    "PROPOSAL",
    "SOURCES",
    "weigh_proposal",
    "overall",
]


class EvidenceError(CourseInputError):
    """Bad input to an evidence function; the message says what to fix."""


def _check_counts(successes: int, n: int) -> None:
    for name, value in (("successes", successes), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise EvidenceError(f"{name} must be a whole number, not {value!r}.")
    if n < 1:
        raise EvidenceError(f"The sample size n must be at least 1, not {n}: no rate can be estimated from nobody.")
    if not 0 <= successes <= n:
        raise EvidenceError(f"successes must be between 0 and n ({n}), not {successes}.")


def _z(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence < 1:
        raise EvidenceError(f"confidence must be a number between 0 and 1 (such as 0.95), not {confidence!r}.")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval for a proportion ``successes / n``.

    Unlike the familiar "estimate plus or minus 1.96 standard errors", it stays
    inside 0 to 1 and behaves sensibly for small samples and rates near 0 or 1,
    which is where groups in co-production work usually are.
    """
    _check_counts(successes, n)
    z = _z(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exact at the edges, not 1e-17
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


@dataclass(frozen=True)
class Rate:
    """One group's rate with its Wilson interval."""

    label: str
    successes: int
    n: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.successes / self.n


def rates(groups: Iterable[tuple[str, int, int]], confidence: float = 0.95) -> list[Rate]:
    """Each ``(label, successes, n)`` group's rate with its Wilson interval."""
    return [Rate(label, successes, n, *wilson_interval(successes, n, confidence)) for label, successes, n in groups]


@dataclass(frozen=True)
class Difference:
    """Group A's rate minus group B's, with its interval (Newcombe's method)."""

    rate_a: float
    rate_b: float
    low: float
    high: float

    @property
    def estimate(self) -> float:
        return self.rate_a - self.rate_b

    @property
    def clear(self) -> bool:
        """True when the interval excludes 0: unlikely to be noise alone."""
        return self.low > 0 or self.high < 0


def compare_rates(a_successes: int, a_n: int, b_successes: int, b_n: int,
                  confidence: float = 0.95) -> Difference:
    """The difference between two groups' rates with Newcombe's (1998) hybrid
    score interval, built from each group's Wilson interval."""
    l1, u1 = wilson_interval(a_successes, a_n, confidence)
    l2, u2 = wilson_interval(b_successes, b_n, confidence)
    p1, p2 = a_successes / a_n, b_successes / b_n
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Difference(rate_a=p1, rate_b=p2, low=max(-1.0, low), high=min(1.0, high))


# --- Keeping it purple ------------------------------------------------------

#: The course's assumption for the scenario (stated in module 4): without
#: local co-production, three quarters of people's influence on a national
#: policy is lost as the system reverts to its usual way of working.
LOCAL_DILUTION = 0.75

def _check_share(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise EvidenceError(f"{name} must be a share between 0 and 1, not {value!r}.")


@dataclass(frozen=True)
class Blend:
    """What reaches people: the share of people's influence at each stage."""

    national: float  # people's share of the co-produced national policy
    local: float  # people's share of what is implemented locally

    @property
    def intent_kept(self) -> float:
        """Share of the national policy's people-shaped intent that survives locally."""
        return self.local / self.national if self.national else 1.0


def keeping_it_purple(people_share: float, local_coproduction: bool,
                      local_people_share: float | None = None) -> Blend:
    """peoplehub's picture as a toy model: a national policy shaped
    ``people_share`` by people is implemented locally. With local
    co-production it stays as purple (or more, if local people add their own
    share); without it, most of people's influence is diluted back to blue."""
    _check_share("people_share", people_share)
    if not isinstance(local_coproduction, bool):
        raise EvidenceError(f"local_coproduction must be True or False, not {local_coproduction!r}.")
    if local_coproduction:
        local = people_share if local_people_share is None else max(people_share, local_people_share)
        if local_people_share is not None:
            _check_share("local_people_share", local_people_share)
    else:
        local = people_share * (1 - LOCAL_DILUTION)
    return Blend(national=float(people_share), local=float(local))


# --- Weighing evidence for a proposal -------------------------------------

Verdict = Literal["supports", "contradicts", "cannot say"]
VERDICTS: tuple[str, ...] = ("supports", "contradicts", "cannot say")


def judge_narratives(mentioning: int, narratives: int, people: int,
                     min_share: float = 0.2, min_people: int = 3) -> tuple[Verdict, str]:
    """Do accumulated narratives show a need beyond one person?

    ``mentioning`` of ``narratives`` narratives raise the theme, told by
    ``people`` different people. ImROC's seventh tip asks for evidence that
    experience "goes far beyond one individual": here, at least
    ``min_people`` people and ``min_share`` of the narratives.
    """
    _check_counts(mentioning, narratives)
    if isinstance(people, bool) or not isinstance(people, int) or not 0 <= people <= mentioning:
        raise EvidenceError(f"people must be a whole number from 0 to {mentioning}, not {people!r}.")
    share = mentioning / narratives
    if people >= min_people and share >= min_share:
        return "supports", f"{mentioning} of {narratives} narratives ({share:.0%}), from {people} people, raise it."
    if mentioning == 0:
        return "cannot say", "No narrative raises it; silence is not evidence against a need nobody was asked about."
    return "cannot say", (f"Only {people} people in {mentioning} narratives raise it: it may be real, but the "
                          "narratives do not yet show that it reaches beyond a few people.")


def judge_difference(difference: Difference, expect_lower: bool, what: str) -> tuple[Verdict, str]:
    """Does a difference between the group the proposal serves (A) and others
    (B) back the proposal? ``expect_lower`` says which way it must go."""
    words = (f"{what}: {difference.rate_a:.0%} against {difference.rate_b:.0%}, a difference of "
             f"{difference.estimate * 100:+.0f} points (95% interval {difference.low * 100:+.0f} to "
             f"{difference.high * 100:+.0f})")
    if not difference.clear:
        return "cannot say", words + ". The interval includes zero, no difference: too few people to tell."
    lower = difference.high < 0
    if lower == expect_lower:
        return "supports", words + "."
    return "contradicts", words + ": the difference runs the other way."


# --- The hub's proposal, weighed against each source ---------------------

#: The co-production group's proposal in module 4's scenario (fictional).
PROPOSAL = "Offer evening appointments so that working carers can attend"
SOURCES: tuple[str, ...] = ("narratives", "survey", "routine data")


def weigh_proposal(narratives: "pd.DataFrame", survey: "pd.DataFrame", records: "pd.DataFrame",
                   use: tuple[str, ...] = SOURCES) -> list[tuple[str, Verdict, str]]:
    """What each chosen source says about :data:`PROPOSAL`: whether working
    carers need other appointment times. At least one source must be chosen."""
    if not use:
        raise EvidenceError("Bring in at least one source of evidence.")
    unknown = [s for s in use if s not in SOURCES]
    if unknown:
        raise EvidenceError(f"Unknown source(s) {unknown}; the sources are {', '.join(SOURCES)}.")
    out: list[tuple[str, Verdict, str]] = []
    if "narratives" in use:
        raised = narratives[narratives["themes"].str.split(";").apply(lambda t: "appointment times" in t)]
        out.append(("narratives", *judge_narratives(len(raised), len(narratives), raised["person_id"].nunique())))
    if "survey" in use:
        carers = survey["group"] == "working carers"
        difference = compare_rates(int(survey.loc[carers, "times_suit_me"].sum()), int(carers.sum()),
                                   int(survey.loc[~carers, "times_suit_me"].sum()), int((~carers).sum()))
        out.append(("survey", *judge_difference(difference, True, "'Appointment times suit me', working "
                                                "carers against everyone else")))
    if "routine data" in use:
        day = records[records["time_slot"] != "evening"]
        carers = day["group"] == "working carers"
        difference = compare_rates(int(day.loc[carers, "attended"].sum()), int(carers.sum()),
                                   int(day.loc[~carers, "attended"].sum()), int((~carers).sum()))
        out.append(("routine data", *judge_difference(difference, True, "Daytime appointments attended, "
                                                      "working carers against everyone else")))
    return out


def overall(verdicts: list[tuple[str, Verdict, str]]) -> str:
    """The group's honest summary: backed only when two or more independent
    sources support it and none contradicts."""
    supports = sum(v == "supports" for _, v, _ in verdicts)
    if any(v == "contradicts" for _, v, _ in verdicts):
        return "Some evidence runs against the proposal: look again before deciding."
    if supports >= 2:
        return "Backed: independent sources agree, and none contradicts."
    if supports == 1:
        return "Promising but not yet backed: one source supports it; bring in another."
    return "Not yet backed: no source shows the need clearly."
