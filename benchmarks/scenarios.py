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
from coproduction.widgets import (
    budget_explorer,
    input_explorer,
    ladder_explorer,
    meeting_explorer,
    portfolio_explorer,
    reflection_explorer,
    representation_explorer,
)

INTERACTIONS = 100
TARGET_MS = 150.0

Move = tuple[str, Any]


def interactions(build: Callable[[], Any], moves: Sequence[Move], before: Callable[[], None] | None = None
                 ) -> list[float]:
    """Seconds per interaction: each sets one control to a new value."""
    scenario = build()

    def act(i: int) -> None:
        if before:
            before()
        name, value = moves[i % len(moves)]
        control = scenario.controls[name]
        if control.value == value:  # every interaction is a real change
            value = (not value) if isinstance(value, bool) else value
        control.value = value
        assert scenario.output.value

    return time_calls(act, INTERACTIONS)


LADDER_MOVES: list[Move] = [
    ("answer_sought", "open views"), ("method_decided_by", "together"), ("sessions", 6),
    ("objective_set_by", "together"), ("decision_made", True), ("decision_made", False),
    ("answer_sought", "yes or no"), ("participants", 12), ("answer_sought", "understanding"),
    ("objective_set_by", "organisation"), ("method_decided_by", "organisation"), ("answer_sought", "none"),
    ("sessions", 0), ("sessions", 2),
]
PORTFOLIO_MOVES: list[Move] = [
    ("department", "Transport"), ("min_levels_over", 2), ("department", "Housing"), ("min_levels_over", 1),
    ("department", "All departments"), ("department", "Public Health"), ("min_levels_over", 9),
]
REFLECTION_MOVES: list[Move] = [
    ("design", "shared"), ("delivery", "shared"), ("design", "people"), ("delivery", "people"),
    ("design", "professionals"), ("delivery", "professionals"),
]
MEETING_MOVES: list[Move] = [
    ("decision_rule", "consent"), ("agenda_set_by", "jointly"), ("papers_in_advance", True),
    ("lived_experience", 5), ("plain_language", True), ("decision_rule", "consensus"),
    ("carers", 4), ("agenda_set_by", "professionals"), ("professionals", 8), ("carers", 40),
    ("decision_rule", "majority"), ("lived_experience", 3), ("professionals", 6), ("carers", 2),
]
REPRESENTATION_MOVES: list[Move] = [
    ("body", "Housing Tenants' Panel"), ("threshold", 0.7), ("body", "Mental Health Service User Forum"),
    ("threshold", 0.9), ("body", "Children and Young People's Panel"), ("threshold", 1.5),
    ("body", "Adult Social Care Partnership Board"), ("threshold", 0.8),
]


INPUT_MOVES: list[Move] = [
    ("participation_type", t) for t in ("Inform", "Educate", "Co-design", "Engage", "Co-produce", "Consult")
]
BUDGET_MOVES: list[Move] = [
    ("participants", 14), ("sessions", 8), ("payment_per_hour", 13.8), ("participant_training", 900.0),
    ("weekly_benefit_limit", 60.0), ("participation_type", "Co-produce"), ("groups", 2),
    ("payment_per_hour", -1.0), ("payment_per_hour", 15.0), ("months", 3), ("care_per_attendance", 12.0),
]


def run() -> list[Result]:
    results: list[Result] = []
    cached = {
        "ladder": (ladder_explorer, LADDER_MOVES, ladder_figures._ladders_figure.cache_clear),
        "reflection": (reflection_explorer, REFLECTION_MOVES, power_figures._reflection_figure.cache_clear),
        "input": (input_explorer, INPUT_MOVES, investment_figures.input_figure.cache_clear),
    }
    for name, (build, moves, clear) in cached.items():
        warm = summary(f"{name}_scenario", interactions(build, moves))
        cold = summary(f"{name}_scenario_uncached", interactions(build, moves, before=clear))
        results += warm + cold
        results.append((f"{name}_scenario_p95_vs_uncached", warm[1][1] / cold[1][1], "x"))
        results.append((f"{name}_scenario_p95_vs_target", warm[1][1] / TARGET_MS, "x"))
    plain = {
        "portfolio": (portfolio_explorer, PORTFOLIO_MOVES),
        "meeting": (meeting_explorer, MEETING_MOVES),
        "representation": (representation_explorer, REPRESENTATION_MOVES),
        "budget": (budget_explorer, BUDGET_MOVES),
    }
    for name, (build, moves) in plain.items():
        stats = summary(f"{name}_scenario", interactions(build, moves))
        results += stats
        results.append((f"{name}_scenario_p95_vs_target", stats[1][1] / TARGET_MS, "x"))
    return results
