"""Module 5's scenario: "Self-assess your organisation". The view function
serves the book; the explorer serves JupyterLab."""

from __future__ import annotations

import html
from functools import lru_cache
from typing import Mapping

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from coproduction.data import load
from coproduction.figures.practice import profile_figure
from coproduction.practice import (FOCUS_AREAS, LEVELS, PAIRINGS, PARTNER, RATINGS, STAFF, assess, scores_by_role,
                                   split_ratings, stages_for, weakest)
from coproduction.widgets.base import Scenario, labelled, static_build, static_note

__all__ = ["EXAMPLE_FOCUS", "EXAMPLE_LEVELS", "assessment_html", "assessment_view", "assessment_explorer",
           "hub_profile", "hub_view"]

#: A starting point for the scenario: an invented organisation that has
#: begun, with recognition and accountability not yet in place.
EXAMPLE_FOCUS: Mapping[str, int] = {"Planning": 3, "Training": 2, "Implementation": 2, "Flexibility": 3,
                                    "Participation": 2, "Recognition": 1, "Review": 2, "Accountability": 1}
EXAMPLE_LEVELS: Mapping[str, int] = {"Strategic": 3, "Senior management": 2, "Co-production managers": 2,
                                     "Finance": 1, "Communication and marketing": 2}

_HUB_STAFF = "Eastmere hub staff"
_HUB_PARTNERS = "Eastmere hub partners"


@lru_cache(maxsize=1)
def hub_profile() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fictional hub's mean ratings by role: focus areas, then levels."""
    answers = load("self_assessment")
    focus = scores_by_role(answers[answers["kind"] == "focus area"], FOCUS_AREAS)
    levels = scores_by_role(answers[answers["kind"] == "level"], LEVELS)
    return focus, levels


def _hub_series() -> tuple[dict[str, pd.Series], dict[str, pd.Series]]:
    """The hub's staff and partners as chart series: focus areas, then levels."""
    focus, levels = hub_profile()
    return ({_HUB_STAFF: focus[STAFF], _HUB_PARTNERS: focus[PARTNER]},
            {_HUB_STAFF: levels[STAFF], _HUB_PARTNERS: levels[PARTNER]})


def _actions_html(actions: dict[str, list[str]], focus: pd.Series) -> str:
    blocks = []
    for area, steps in actions.items():
        numbers = [str(stage.number) for stage in stages_for(area)]
        items = "".join(f"<li>{html.escape(step)}</li>" for step in steps)
        blocks.append(f"<li><strong>{html.escape(area)}</strong> (rated {focus[area]:.0f}, "
                      f"{html.escape(RATINGS[int(focus[area])])}; {'stages' if len(numbers) > 1 else 'stage'} "
                      f"{' and '.join(numbers)}) <ul>{items}</ul></li>")
    return "<ol>" + "".join(blocks) + "</ol>"


def assessment_html(n: int = 3, compare: bool = False, **ratings: int) -> str:
    """The weakest areas and level, first actions and the profile chart."""
    result = assess(*split_ratings(ratings), n)
    focus_series = {"You": result.focus}
    level_series = {"You": result.levels}
    level_text = LEVELS[result.weakest_level]
    comparison = ""
    if compare:
        hub_focus, hub_levels = _hub_series()
        focus_series |= hub_focus
        level_series |= hub_levels
        gap = (hub_focus[_HUB_STAFF] - hub_focus[_HUB_PARTNERS]).abs().idxmax()
        comparison = (f"<p>In the fictional Eastmere hub, staff and partners disagree most about "
                      f"<strong>{html.escape(gap)}</strong>. Would your partners rate you as you did?</p>")
    return (
        f'<div role="status"><p><strong>Start with:</strong> {html.escape(", ".join(result.weakest_areas))}.</p>'
        f"<p>Weakest level: <strong>{html.escape(result.weakest_level)}</strong>. Embedded there would mean "
        f"that {html.escape(level_text)}.</p></div>"
        + comparison
        + "<p>Suggested first actions, from the focus areas' own actions, the implementation stage, "
          "ImROC's tips, the practical steps and the course module the course pairs with each area:</p>"
        + _actions_html(result.actions, result.focus)
        + profile_figure(focus_series, level_series, "Self-assessment profile",
                         result.weakest_areas)._repr_html_()
    )


def assessment_view(focus: Mapping[str, int] = EXAMPLE_FOCUS, levels: Mapping[str, int] = EXAMPLE_LEVELS,
                    n: int = 3, compare: bool = False) -> HTML:
    return HTML(assessment_html(n=n, compare=compare, **focus, **levels))


def hub_view() -> HTML:
    """The fictional hub as its staff and its partners each see it, with the
    three weakest areas when each group counts equally shaded."""
    focus, levels = _hub_series()
    balanced = pd.DataFrame(focus).mean(axis=1)
    return HTML(profile_figure(focus, levels, "The Eastmere hub as staff and partners see it",
                               weakest(balanced, 3))._repr_html_())


def _rating_control(name: str, value: int) -> widgets.Dropdown:
    return labelled(widgets.Dropdown(options=[(f"{k}: {v}", k) for k, v in RATINGS.items()], value=value), name)


def assessment_explorer() -> Scenario | HTML:
    """Scenario "Self-assess your organisation"."""
    if static_build():
        return static_note("Self-assess your organisation")
    controls: dict[str, widgets.Widget] = {
        **{area: _rating_control(area, EXAMPLE_FOCUS[area]) for area in FOCUS_AREAS},
        **{level: _rating_control(f"{level} level", EXAMPLE_LEVELS[level]) for level in LEVELS},
        "n": labelled(widgets.IntText(value=3), f"How many of the weakest areas to act on first? (1–{len(PAIRINGS)})"),
        "compare": labelled(widgets.Checkbox(value=False, indent=False),
                            "Compare with the fictional Eastmere hub's staff and partners"),
    }
    return Scenario("Self-assess your organisation", controls, assessment_html,
                    intro="Rate how far each focus area and level is in place in your organisation today, "
                          "from 1 (not in place) to 4 (embedded). The profile, the weakest areas and the "
                          "first actions update as you go.")
