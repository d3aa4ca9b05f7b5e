"""Module 3's scenarios: "Input across the spectrum" and "Budget a
co-production plan". View functions serve the book; explorers serve
JupyterLab."""

from __future__ import annotations

import html
from dataclasses import fields

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from coproduction.figures.investment import budget_figure, input_figure
from coproduction.investment import PEOPLE_NEED, Plan, budget, input_profile
from coproduction.ladder import SPECTRUM_ORDER, spectrum_type
from coproduction.plotting import table
from coproduction.widgets.base import Scenario, labelled, static_build, static_note

__all__ = ["input_html", "input_view", "input_explorer", "budget_html", "budget_view", "budget_explorer"]

_SCALE = ("none", "a little", "some", "a lot", "most")
#: What the scenario's levels stand for (the course brief's review: say so beside the numbers).
INPUT_NOTE = ("The levels are illustrative: the course's reading of peoplehub's picture that input rises "
              "from doing to people to doing with them, on a scale from none to most. They compare the "
              "types with each other; they are not measurements of any service.")


def input_html(participation_type: str) -> str:
    """The four inputs for one type, with the chart."""
    profile = input_profile(participation_type)
    level = spectrum_type(participation_type)
    items = "".join(f"<li>{html.escape(m)}: <strong>{_SCALE[v]}</strong></li>" for m, v in profile.items())
    needs = ""
    if profile["input into people"] >= 3:
        needs = ("<p>At this depth people need, from the system:</p><ul>"
                 + "".join(f"<li>{html.escape(n)}</li>" for n in PEOPLE_NEED) + "</ul>")
    return (
        f'<div role="status"><p><strong>{html.escape(level.name)}</strong>: '
        f"<em>“{html.escape(level.key_question)}”</em></p><ul>{items}</ul>{needs}"
        f"<p><small>{INPUT_NOTE}</small></p></div>"
        + input_figure(participation_type)._repr_html_()
    )


def input_view(participation_type: str) -> HTML:
    return HTML(input_html(participation_type))


def input_explorer() -> Scenario | HTML:
    """Scenario "Input across the spectrum"."""
    if static_build():
        return static_note("Input across the spectrum")
    controls = {"participation_type": labelled(widgets.Dropdown(options=list(SPECTRUM_ORDER), value="Consult"),
                                               "Which type of participation?")}
    return Scenario("Input across the spectrum", controls, input_html,
                    intro="Choose a type of participation to see how much the system puts in, how much "
                          "people put in, and how strong the relationship becomes.")


def budget_html(**choices: object) -> str:
    """A plan's total, breakdown, cost per participant-hour and warnings."""
    plan = Plan(**choices)  # type: ignore[arg-type]
    result = budget(plan)
    warnings = "".join(f"<li>{html.escape(w)}</li>" for w in result.warnings)
    warning_block = (f'<div role="alert" style="border-left:4px solid #E69F00;padding:0.2em 1em">'
                     f"<p><strong>This plan may not work:</strong></p><ul>{warnings}</ul></div>"
                     if warnings else "<p>No warnings for this plan.</p>")
    lines = pd.DataFrame({"GBP": [f"{v:,.2f}" for v in result.breakdown.values()]},
                         index=pd.Index(list(result.breakdown), name="budget line"))
    return (
        f'<div role="status"><p>Total: <strong>£{result.total:,.2f}</strong> for '
        f"{result.participant_hours:,.0f} participant-hours in sessions, or "
        f"<strong>£{result.per_participant_hour:,.2f}</strong> per participant-hour.</p></div>"
        + warning_block
        + table(lines, "The plan's budget, line by line").data
        + budget_figure(result, f"Budget for a {plan.participation_type} plan")._repr_html_()
    )


def budget_view(**choices: object) -> HTML:
    return HTML(budget_html(**choices))


_LABELS = {
    "participants": "Participants", "groups": "Groups (meeting separately)", "sessions": "Sessions per group",
    "months": "Months", "hours_per_session": "Hours per session",
    "prep_hours_per_session": "Paid preparation hours per session",
    "payment_per_hour": "Payment per hour (GBP)", "travel_per_attendance": "Travel per attendance (GBP)",
    "care_per_attendance": "Care cover per attendance (GBP)",
    "interpreting_per_session": "Interpreting per session (GBP)",
    "participant_training": "Training for participants (GBP, total)",
    "staff_training": "Training for staff (GBP, total)", "staff_per_session": "Staff per session",
    "staff_hours_per_session": "Staff hours per session (with preparation and follow-up)",
    "staff_hourly_cost": "Staff cost per hour (GBP)",
    "weekly_benefit_limit": "A participant's weekly benefit earnings limit (GBP, 0 = none)",
    "sessions_per_week": "Most sessions one person attends in a week",
}


def budget_explorer() -> Scenario | HTML:
    """Scenario "Budget a co-production plan"."""
    if static_build():
        return static_note("Budget a co-production plan")
    defaults = Plan()
    controls: dict[str, widgets.Widget] = {
        "participation_type": labelled(widgets.Dropdown(options=list(SPECTRUM_ORDER),
                                                        value=defaults.participation_type),
                                       "Type of participation"),
    }
    for f in fields(Plan):
        if f.name == "participation_type":
            continue
        value = getattr(defaults, f.name)
        box = widgets.IntText(value=value) if isinstance(value, int) else widgets.FloatText(value=value)
        controls[f.name] = labelled(box, _LABELS[f.name])
    return Scenario("Budget a co-production plan", controls, lambda **c: budget_html(**c),
                    intro="Every rate is yours to set: check the current figures before you rely on them. "
                          "The example values are the module's dated examples.")
