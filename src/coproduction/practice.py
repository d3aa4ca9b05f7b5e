"""Module 5, putting it into practice: the frameworks the capstone teaches
and an organisational self-assessment built on them.

Sources (see ``book/references.bib``): the eight implementation stages
(seed 001, ``implementing_guide``); the five organisational levels and the
eight focus areas of a co-production culture with their actions (seed 003,
``reality_workshops``); ImROC's top ten tips as given by seed 004 (``humber_intro``); the
eight practical steps of the Transformational Change Partnership (seed 000,
``ahmad_mcclinton``). Each is in the course's words.

How the frameworks are joined is the course's own reading, said so wherever
it is shown: each focus area is paired with the implementation stage where
its gap is mainly closed, the tips and practical steps that speak to it, and
the module that teaches it. The sources do not make these pairings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import pandas as pd

from coproduction.errors import CourseInputError

__all__ = [
    "PracticeError",
    "split_ratings",
    "Stage",
    "STAGES",
    "LEVELS",
    "FOCUS_AREAS",
    "FOCUS_AREA_ACTIONS",
    "TOP_TEN_TIPS",
    "PRACTICAL_STEPS",
    "RATINGS",
    "STAFF",
    "PARTNER",
    "ROLES",
    "Pairing",
    "PAIRINGS",
    "stages_for",
    "check_ratings",
    "area_scores",
    "scores_by_role",
    "balanced_scores",
    "perception_gaps",
    "weakest",
    "first_actions",
    "Assessment",
    "assess",
]


class PracticeError(CourseInputError):
    """Bad input to a self-assessment function; the message says what to fix."""


@dataclass(frozen=True)
class Stage:
    """One of the eight implementation stages and what it involves."""

    number: int
    name: str
    involves: tuple[str, ...]


#: The step-by-step guide's eight stages (seed 001), its steps paraphrased.
STAGES: tuple[Stage, ...] = (
    Stage(1, "Establish a co-production mindset", (
        "give everyone time and space to learn what co-production is and why it matters",
        "shift the culture: leaders model respect, openness and collaboration",
    )),
    Stage(2, "Engage stakeholders", (
        "identify who must be involved: people with lived experience, carers, family and friends, "
        "professionals and the wider community",
        "build trust before plans are made, through informal conversations, gatherings and workshops",
    )),
    Stage(3, "Set up structures and processes", (
        "form co-production teams that mix people who use, deliver and support services",
        "agree roles, responsibilities and how decisions will be made",
        "agree ground rules for how people talk and listen to each other",
    )),
    Stage(4, "Joint planning and design", (
        "assess needs together", "set shared goals", "design solutions together rather than to a set agenda",
    )),
    Stage(5, "Shared decision-making", (
        "choose a decision method such as consent or consensus, so no one is left out",
        "keep decisions open, recorded and accessible",
    )),
    Stage(6, "Collaborative implementation", (
        "write the action plan together: who does what, by when, and how progress is tracked",
        "share time, money and support fairly so that everyone can take part",
    )),
    Stage(7, "Ongoing feedback and evaluation", (
        "make regular, safe chances for feedback, and act on it",
        "measure together with agreed measures, and make sense of the findings together",
        "adapt and improve: co-production is never finished",
    )),
    Stage(8, "Sustainability and scaling", (
        "keep people involved: show the difference they made and celebrate progress",
        "keep growing people's skills and confidence",
        "scale with care, keeping the core values as the work adapts to each new context",
    )),
)

#: The five levels at which co-production must be embedded (seed 003), with
#: what "embedded" looks like at each, paraphrased.
LEVELS: Mapping[str, str] = {
    "Strategic": "co-production is part of the organisation's mission and business as usual for all "
                 "development, evaluation and communication",
    "Senior management": "every senior leader is committed, realistic about the time co-production takes, "
                         "and accountable for it happening",
    "Co-production managers": "the people who run co-production are fully trained in good practice",
    "Finance": "direct and indirect costs, such as payment for participants and extra staff hours, are in "
               "the budget",
    "Communication and marketing": "communication materials are themselves co-produced, and co-production "
                                   "is named as a key driver of the organisation",
}

#: The eight focus areas of a co-production culture (seed 003), in its order.
FOCUS_AREAS: tuple[str, ...] = (
    "Planning", "Training", "Implementation", "Flexibility",
    "Participation", "Recognition", "Review", "Accountability",
)

#: The actions seed 003 lists under each focus area, paraphrased. They are
#: also the statements of the self-assessment dataset.
FOCUS_AREA_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "Planning": (
        "Senior leaders have agreed to champion co-production.",
        "Enough time and budget are set aside for co-production.",
        "We pick the pieces of work where co-production can make a real difference.",
    ),
    "Training": (
        "Staff and participants are trained so everyone knows what co-production is and how to do it.",
    ),
    "Implementation": (
        "People are involved from the earliest design stage, through to the end and beyond.",
        "Co-production is built into work programmes until it is simply how we work.",
    ),
    "Flexibility": (
        "We choose co-production activities to suit each project.",
        "We have the capacity to work differently when a project needs it.",
    ),
    "Participation": (
        "We recruit openly and fairly from people who use services, carers and communities.",
        "We take active steps to include under-represented groups.",
        "Our ways of working let every view be heard and every participant feel safe to speak.",
        "We allow time and space for relationships and trust to grow.",
    ),
    "Recognition": (
        "We have systems that reward and recognise what people contribute.",
        "We keep in touch with participants so they can see and celebrate what came of their work.",
    ),
    "Review": (
        "We review progress regularly and report back.",
        "We carry what each activity teaches us into the next.",
    ),
    "Accountability": (
        "There are clear expectations and processes that every relevant project is co-produced.",
        "Senior leaders are held accountable for co-production.",
    ),
}

#: ImROC's top ten tips for co-production (seed 004), titles paraphrased.
TOP_TEN_TIPS: tuple[str, ...] = (
    "Gather the right people for the job",
    "Just get started, and build momentum around a shared purpose",
    "Take time to agree how meetings will work and what they value",
    "Support every member to contribute fully",
    "Take on the challenge in small steps",
    "Listen, listen, listen",
    "Back up decisions with evidence",
    "Beware the comfort zone",
    "Look to the bigger picture",
    "Cherish what you create",
)

#: The Transformational Change Partnership's eight practical steps (seed 000,
#: "Implications for Practice"), paraphrased.
PRACTICAL_STEPS: Mapping[str, str] = {
    "Build relationships, not transactions": "invest time in real relationships built on trust",
    "Start with intentional conversations": "set up a community advisory group to review and guide "
                                            "strategies, programmes and services, where people feel safe to speak",
    "Deep engagement": "engage client stakeholders deeply to find barriers and create solutions together",
    "Cross-departmental training": "train across departments, with community stakeholders, in cultural "
                                   "competence, humility, relevance and sensitivity",
    "Commit to transparency": "communicate openly about how programmes are developed, run and evaluated, "
                              "and say what involvement is for and how it will shape outcomes",
    "Empower frontline staff": "let frontline staff influence processes and services, backed by managers "
                               "and leaders, to tackle internal power dynamics",
    "Capacity building": "work with independent trainers to build community stakeholders' capacity to "
                         "work with staff and leaders",
    "Measure what matters": "track and regularly evaluate the experiences of under-represented clients, and "
                            "use what you learn to keep improving",
}

#: The self-assessment scale: how far each statement is true today.
RATINGS: Mapping[int, str] = {1: "not in place", 2: "starting", 3: "developing", 4: "embedded"}

STAFF = "staff"
PARTNER = "lived-experience partner"
ROLES: tuple[str, ...] = (STAFF, PARTNER)


@dataclass(frozen=True)
class Pairing:
    """The course's pairing of one focus area with the rest of the course.
    The sources do not link their lists; every link here is the course's own
    reading, and an area may link to several stages and steps, or to none."""

    stages: tuple[int, ...]  # implementation stages that close this area's gap, the main one first
    tips: tuple[int, ...]  # ImROC tip numbers
    practical_steps: tuple[str, ...]  # keys of PRACTICAL_STEPS (none where no step speaks to the area)
    module: str  # where the course teaches it


#: The course's own reading: every stage, tip and practical step is used at
#: least once, but none is forced onto an area it does not speak to.
PAIRINGS: Mapping[str, Pairing] = {
    "Planning": Pairing((4, 6), (2, 9), (), "module 3, input investment"),
    "Training": Pairing((1, 8), (4,), ("Cross-departmental training", "Capacity building"), "module 0, start here"),
    "Implementation": Pairing((6, 2), (2, 8), ("Deep engagement",), "module 1, the ladder"),
    "Flexibility": Pairing((7, 4), (5,), ("Empower frontline staff",), "module 1, the ladder"),
    "Participation": Pairing((2, 3), (1, 6), ("Build relationships, not transactions",
                                              "Start with intentional conversations"), "module 2, power imbalance"),
    "Recognition": Pairing((8,), (10,), (), "module 3, input investment"),
    "Review": Pairing((7,), (7,), ("Measure what matters",), "module 4, evidence-backed decisions"),
    "Accountability": Pairing((5,), (3,), ("Commit to transparency",), "module 2, power imbalance"),
}


def _known_area(area: str) -> str:
    if area not in PAIRINGS:
        raise PracticeError(f"{area!r} is not a focus area; use one of: {', '.join(FOCUS_AREAS)}.")
    return area


def stages_for(area: str) -> tuple[Stage, ...]:
    """The implementation stages paired with a focus area, the main one first."""
    return tuple(STAGES[number - 1] for number in PAIRINGS[_known_area(area)].stages)


def check_ratings(responses: pd.DataFrame) -> pd.DataFrame:
    """Check a table of self-assessment answers and return it unchanged.

    Expects the columns ``respondent_id``, ``role``, ``area`` and ``rating``
    (1 to 4, or empty for "don't know"). Raises :class:`PracticeError`
    naming the first problem.
    """
    if not isinstance(responses, pd.DataFrame):
        raise PracticeError(f"expected a pandas DataFrame of answers, not {type(responses).__name__}.")
    missing = [c for c in ("respondent_id", "role", "area", "rating") if c not in responses.columns]
    if missing:
        raise PracticeError(f"the answers need the column(s) {', '.join(missing)}.")
    unknown_roles = sorted(set(responses["role"]) - set(ROLES))
    if unknown_roles:
        raise PracticeError(f"unknown role(s) {unknown_roles}; roles are {list(ROLES)}.")
    ratings = pd.to_numeric(responses["rating"], errors="coerce")
    bad = responses["rating"].notna() & (ratings.isna() | ~ratings.isin(list(RATINGS)))
    if bad.any():
        row = responses.index[bad][0]
        value = responses.loc[row, "rating"]
        value = value.item() if hasattr(value, "item") else value  # a plain number, not numpy's repr
        raise PracticeError(f"rating {value!r} in row {row} is not 1 to 4 "
                            "(leave it empty for \"don't know\").")
    return responses


def area_scores(responses: pd.DataFrame, areas: Iterable[str] = FOCUS_AREAS) -> pd.Series:
    """Mean rating per area over every answer given, "don't know" left out.

    Returns a Series indexed by ``areas`` in their order; an area nobody
    rated is ``NaN``.
    """
    check_ratings(responses)
    areas = list(areas)
    return (responses.assign(rating=pd.to_numeric(responses["rating"]))
            .groupby("area")["rating"].mean().reindex(areas).astype(float))


def scores_by_role(responses: pd.DataFrame, areas: Iterable[str] = FOCUS_AREAS) -> pd.DataFrame:
    """Mean rating per area (rows) for staff and for partners (columns)."""
    check_ratings(responses)
    areas = list(areas)
    return pd.DataFrame({role: area_scores(responses[responses["role"] == role], areas) for role in ROLES})


def balanced_scores(responses: pd.DataFrame, areas: Iterable[str] = FOCUS_AREAS) -> pd.Series:
    """Per area, the mean of the staff mean and the partners' mean.

    Pooling every answer lets the larger group decide the score; here each
    group's view counts equally however many people answered. An area only
    one group rated keeps that group's mean.
    """
    return scores_by_role(responses, areas).mean(axis=1).rename("rating")


def perception_gaps(responses: pd.DataFrame, areas: Iterable[str] = FOCUS_AREAS) -> pd.Series:
    """Staff mean minus partners' mean per area, largest disagreement first.

    A positive gap means staff see the area as stronger than the people they
    work with do: the group with more power often sees the partnership more
    kindly (module 2).
    """
    by_role = scores_by_role(responses, areas)
    gaps = by_role[STAFF] - by_role[PARTNER]
    order = gaps.abs().sort_values(ascending=False, kind="stable").index
    return gaps.reindex(order).rename("gap")


def weakest(scores: Mapping[str, float] | pd.Series, n: int = 3) -> list[str]:
    """The ``n`` lowest-scoring areas, lowest first; ties keep the given order."""
    series = pd.Series(scores, dtype=float)
    if isinstance(n, bool) or not isinstance(n, int):
        raise PracticeError(f"the number of areas to act on must be a whole number; got {n!r}.")
    if not 1 <= n <= len(series):
        raise PracticeError(f"show between 1 and {len(series)} areas; got {n}.")
    return list(series.sort_values(kind="stable").index[:n])


def first_actions(area: str) -> list[str]:
    """Suggested first actions for a weak focus area, drawn from the course."""
    pairing = PAIRINGS[_known_area(area)]
    tips = " and ".join(f"tip {t}, “{TOP_TEN_TIPS[t - 1]}”" for t in pairing.tips)
    return [
        *(f"Aim for: {action}" for action in FOCUS_AREA_ACTIONS[area]),
        *(f"Stage {stage.number}, {stage.name}: {stage.involves[0]}." for stage in stages_for(area)),
        f"ImROC {tips}.",
        *(f"{step}: {PRACTICAL_STEPS[step]}." for step in pairing.practical_steps),
        f"Revisit {pairing.module}.",
    ]


@dataclass(frozen=True)
class Assessment:
    """One organisation's self-assessment and what follows from it."""

    focus: pd.Series  # rating per focus area
    levels: pd.Series  # rating per organisational level
    weakest_areas: list[str]
    weakest_level: str
    actions: dict[str, list[str]]  # first actions per weakest area


def _check_scale(ratings: Mapping[str, int], names: Iterable[str], what: str) -> pd.Series:
    names = list(names)
    absent = [n for n in names if n not in ratings]
    if absent:
        raise PracticeError(f"rate every {what}; missing: {', '.join(absent)}.")
    extra = [n for n in ratings if n not in names]
    if extra:
        raise PracticeError(f"{extra[0]!r} is not a {what}; use one of: {', '.join(names)}.")
    for name in names:
        value = ratings[name]
        if isinstance(value, bool) or not isinstance(value, int) or value not in RATINGS:
            raise PracticeError(f"rate {name} from 1 ({RATINGS[1]}) to 4 ({RATINGS[4]}); got {value!r}.")
    return pd.Series({n: float(ratings[n]) for n in names})


def split_ratings(ratings: Mapping[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """Ratings given by name, split into focus areas and organisational levels."""
    extra = [k for k in ratings if k not in FOCUS_AREAS and k not in LEVELS]
    if extra:
        raise PracticeError(f"{extra[0]!r} is neither a focus area nor an organisational level.")
    return ({k: ratings[k] for k in FOCUS_AREAS if k in ratings}, {k: ratings[k] for k in LEVELS if k in ratings})


def assess(focus: Mapping[str, int], levels: Mapping[str, int], n: int = 3) -> Assessment:
    """Profile an organisation from ratings of every focus area and level."""
    focus_scores = _check_scale(focus, FOCUS_AREAS, "focus area")
    level_scores = _check_scale(levels, LEVELS, "organisational level")
    areas = weakest(focus_scores, n)
    return Assessment(focus_scores, level_scores, areas, weakest(level_scores, 1)[0],
                      {a: first_actions(a) for a in areas})
