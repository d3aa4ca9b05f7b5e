"""Module 1's scenarios: "Where does this activity sit?" and "A county's
engagement portfolio".

Each has a view function (``placement_view``, ``portfolio_view``) that the
book calls directly for its static renderings, and an explorer that wires the
same view to labelled controls for JupyterLab.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from coproduction import data
from coproduction.figures.ladder import ladders_figure, portfolio_figure
from coproduction.ladder import (
    ALL_DEPARTMENTS,
    ANSWER_OPTIONS,
    WHO_OPTIONS,
    Activity,
    place,
    portfolio,
)
from coproduction.plotting import table
from coproduction.widgets.base import Scenario, labelled, static_build, static_note

__all__ = ["placement_html", "placement_view", "ladder_explorer",
           "portfolio_html", "portfolio_view", "portfolio_explorer"]

_ANSWER_LABELS = {
    "none": "None: people are just told",
    "understanding": "Do you understand?",
    "yes or no": "Do you agree or disagree? (yes or no)",
    "open views": "What do you think? (open views and ideas)",
}


def _items(lines: tuple[str, ...] | list[str]) -> str:
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def placement_html(activity: Activity) -> str:
    """The placement of one activity on the three ladders, as HTML."""
    result = place(activity)
    level = result.spectrum_type
    cautions = (
        f"<p><strong>Cautions</strong></p><ul>{_items(result.cautions)}</ul>" if result.cautions else ""
    )
    return (
        '<div role="status">'
        f"<p><strong>{html.escape(level.name)}</strong> on the Spectrum of Participation: "
        f"<em>“{html.escape(level.key_question)}”</em></p>"
        f"<p>{html.escape(result.summary())}</p>"
        f"<p><strong>Why</strong></p><ul>{_items(result.reasons)}</ul>{cautions}</div>"
        + ladders_figure(result, compact=True)._repr_html_()
    )


def placement_view(activity: Activity) -> HTML:
    """A static rendering of the first scenario for one activity."""
    return HTML(placement_html(activity))


def ladder_explorer() -> Scenario | HTML:
    """Scenario "Where does this activity sit?": answer the spectrum's
    questions about an activity and see where it sits on all three ladders."""
    if static_build():
        return static_note("Where does this activity sit?")

    def render(decision_made: bool, answer_sought: str, objective_set_by: str,
               method_decided_by: str, participants: int, sessions: int) -> str:
        return placement_html(Activity(decision_made, answer_sought, objective_set_by,  # type: ignore[arg-type]
                                       method_decided_by, participants, sessions))

    controls = {
        "decision_made": labelled(
            widgets.Dropdown(options=[("Yes, it is settled", True), ("No, it is still open", False)],
                             value=False),
            "Has the organisation already made the decision?"),
        "answer_sought": labelled(
            widgets.Dropdown(options=[(_ANSWER_LABELS[a], a) for a in ANSWER_OPTIONS], value="yes or no"),
            "What response is invited from people?"),
        "objective_set_by": labelled(
            widgets.Dropdown(options=[("The organisation", WHO_OPTIONS[0]),
                                      ("People and the organisation together", WHO_OPTIONS[1])]),
            "Who set the objective and priorities?"),
        "method_decided_by": labelled(
            widgets.Dropdown(options=[("The organisation", WHO_OPTIONS[0]),
                                      ("People and the organisation together", WHO_OPTIONS[1])]),
            "Who decides how to reach the objective?"),
        "participants": labelled(widgets.IntText(value=400), "How many people take part?"),
        "sessions": labelled(widgets.IntText(value=1), "How many sessions does each person join?"),
    }
    return Scenario(
        "Where does this activity sit?",
        controls,
        render,
        intro="Describe an engagement activity by answering the questions below. "
              "Its place on all three ladders, and the reasons, update as you change an answer.",
    )


def portfolio_html(frame: pd.DataFrame, department: str = ALL_DEPARTMENTS, min_levels_over: int = 1) -> str:
    """Summary, chart and over-labelled list for one department, as HTML."""
    result = portfolio(frame, department, min_levels_over)
    flagged = result.overlabelled
    listing = (
        flagged[["activity_id", "department", "title", "label", "spectrum_type", "levels_over"]]
        .rename(columns={"activity_id": "id", "label": "called", "spectrum_type": "meets",
                         "levels_over": "levels too high"})
        .pipe(lambda f: table(f.set_index("id"), f"Over-labelled activities: {result.scope}").data)
        if len(flagged) else "<p>None.</p>"
    )
    return (
        '<div role="status">'
        f"<p><strong>{html.escape(result.scope)}</strong>: {result.activities} activities. "
        f"By their labels {result.claimed_doing_with:.0%} are doing with (Co-design or Co-produce); "
        f"by the spectrum's criteria {result.doing_with:.0%} are.</p>"
        f"<p><strong>Labelled at least {min_levels_over} level(s) higher than their criteria support:"
        f"</strong> {len(flagged)}</p>{listing}</div>"
        + portfolio_figure(result)._repr_html_()
    )


def portfolio_view(department: str = ALL_DEPARTMENTS, min_levels_over: int = 1,
                   frame: pd.DataFrame | None = None) -> HTML:
    """A static rendering of the portfolio scenario."""
    frame = data.load("engagement_activities") if frame is None else frame
    return HTML(portfolio_html(frame, department, min_levels_over))


def portfolio_explorer(frame: pd.DataFrame | None = None) -> Scenario | HTML:
    """Scenario "A county's engagement portfolio": explore the fictional
    county's activities by department and find where tokenism hides."""
    if static_build():
        return static_note("A county's engagement portfolio")
    frame = data.load("engagement_activities") if frame is None else frame
    departments = [ALL_DEPARTMENTS, *sorted(frame["department"].unique())]
    controls = {
        "department": labelled(widgets.Dropdown(options=departments), "Department"),
        "min_levels_over": labelled(widgets.IntText(value=1),
                                    "Flag labels at least this many levels too high (1–5)"),
    }
    return Scenario(
        "A county's engagement portfolio",
        controls,
        lambda department, min_levels_over: portfolio_html(frame, department, min_levels_over),
        intro="Choose a department of the fictional Eastmere County Council to compare what its "
              "activities are called with what they are.",
    )
