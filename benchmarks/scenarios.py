"""Every scenario's redraw latency over 100 interactions (callback and
redraw, as a learner's change of a control triggers them), median and 95th
percentile, against the issues' target p95 of 150 ms. Where a scenario
reuses rendered figures, the same interactions with the cache cleared are
measured beside it, and the ratio printed.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from benchmarks.timing import Result, summary, time_calls
from coproduction.figures import ladder as ladder_figures
from coproduction.figures import power as power_figures
from coproduction.figures import investment as investment_figures
from coproduction.figures import practice as practice_figures
from coproduction.widgets import (
    assessment_explorer,
    budget_explorer,
    proposal_explorer,
    purple_explorer,
    sure_explorer,
    input_explorer,
    ladder_explorer,
    meeting_explorer,
    portfolio_explorer,
    reflection_explorer,
    representation_explorer,
)

INTERACTIONS = 100
TARGET_MS = 150.0

Move = tuple[str, Any, Any]  # a control and two values to switch between


def interactions(build: Callable[[], Any], moves: Sequence[Move], before: Callable[[], None] | None = None
                 ) -> list[float]:
    """Seconds per interaction: each switches one control to a new value, so
    every interaction is a real change that runs the callback and redraws."""
    scenario = build()

    def act(i: int) -> None:
        if before:
            before()
        name, first, second = moves[i % len(moves)]
        control = scenario.controls[name]
        control.value = second if control.value == first else first
        assert scenario.output.value

    return time_calls(act, INTERACTIONS)


LADDER_MOVES: list[Move] = [
    ("answer_sought", "open views", "yes or no"), ("method_decided_by", "together", "organisation"),
    ("sessions", 6, 1), ("objective_set_by", "together", "organisation"), ("decision_made", True, False),
    ("answer_sought", "understanding", "none"), ("participants", 12, 400), ("sessions", 0, 2),
]
PORTFOLIO_MOVES: list[Move] = [
    ("department", "Transport", "Housing"), ("min_levels_over", 2, 1),
    ("department", "All departments", "Public Health"), ("min_levels_over", 9, 3),
]
REFLECTION_MOVES: list[Move] = [
    ("design", "shared", "people"), ("delivery", "shared", "people"), ("design", "professionals", "shared"),
    ("delivery", "professionals", "shared"),
]
MEETING_MOVES: list[Move] = [
    ("decision_rule", "consent", "consensus"), ("agenda_set_by", "jointly", "professionals"),
    ("papers_in_advance", True, False), ("lived_experience", 5, 3), ("plain_language", True, False),
    ("carers", 4, 40), ("professionals", 8, 6), ("decision_rule", "majority", "consent"),
]
REPRESENTATION_MOVES: list[Move] = [
    ("body", "Housing Tenants' Panel", "Mental Health Service User Forum"), ("threshold", 0.7, 0.9),
    ("body", "Children and Young People's Panel", "Adult Social Care Partnership Board"), ("threshold", 1.5, 0.8),
]


INPUT_MOVES: list[Move] = [
    ("participation_type", "Inform", "Co-design"), ("participation_type", "Engage", "Co-produce"),
    ("participation_type", "Educate", "Consult"),
]
BUDGET_MOVES: list[Move] = [
    ("participants", 14, 12), ("sessions", 8, 6), ("payment_per_hour", 20.0, 15.0),
    ("participant_training", 900.0, 0.0), ("weekly_benefit_limit", 60.0, 0.0),
    ("participation_type", "Co-produce", "Co-design"), ("groups", 2, 1), ("payment_per_hour", -1.0, 20.0),
    ("months", 3, 6), ("care_per_attendance", 12.0, 0.0),
]


PURPLE_MOVES: list[Move] = [
    ("people_share", 0.3, 0.8), ("local_coproduction", True, False), ("people_share", 1.5, 0.5),
]
SURE_MOVES: list[Move] = [
    ("n_a", 160, 16), ("successes_a", 90, 9), ("n_b", 4250, 425), ("successes_b", 2900, 290), ("n_a", 0, 20),
]
PROPOSAL_MOVES: list[Move] = [
    ("use_survey", True, False), ("use_routine", True, False), ("use_narratives", False, True),
]

ASSESSMENT_MOVES: list[Move] = [
    ("Recognition", 4, 1), ("Finance", 3, 1), ("compare", True, False), ("n", 5, 3), ("Review", 1, 2),
    ("n", 0, 3), ("n", 0, 3),  # into the "check your input" message and straight back out
]


#: Scenarios whose figures are cached, timed warm and cold (tests/test_modules.py
#: checks that these and PLAIN cover every scenario the registry declares).
CACHED = {
    "ladder": (ladder_explorer, LADDER_MOVES, ladder_figures._ladders_figure.cache_clear),
    "reflection": (reflection_explorer, REFLECTION_MOVES, power_figures._reflection_figure.cache_clear),
    "input": (input_explorer, INPUT_MOVES, investment_figures.input_figure.cache_clear),
    # The profile keeps its axes drawn and redraws only the dots (blitting).
    "assessment": (assessment_explorer, ASSESSMENT_MOVES, practice_figures._canvas.cache_clear),
}
PLAIN = {
    "portfolio": (portfolio_explorer, PORTFOLIO_MOVES),
    "meeting": (meeting_explorer, MEETING_MOVES),
    "representation": (representation_explorer, REPRESENTATION_MOVES),
    "budget": (budget_explorer, BUDGET_MOVES),
    "purple": (purple_explorer, PURPLE_MOVES),
    "sure": (sure_explorer, SURE_MOVES),
    "proposal": (proposal_explorer, PROPOSAL_MOVES),
}


def run() -> list[Result]:
    results: list[Result] = []
    for name, (build, moves, clear) in CACHED.items():
        warm = summary(f"{name}_scenario", interactions(build, moves))
        cold = summary(f"{name}_scenario_uncached", interactions(build, moves, before=clear))
        results += warm + cold
        results.append((f"{name}_scenario_p95_vs_uncached", warm[1][1] / cold[1][1], "x"))
        results.append((f"{name}_scenario_p95_vs_target", warm[1][1] / TARGET_MS, "x"))
    for name, (build, moves) in PLAIN.items():
        stats = summary(f"{name}_scenario", interactions(build, moves))
        results += stats
        results.append((f"{name}_scenario_p95_vs_target", stats[1][1] / TARGET_MS, "x"))
    return results
