"""Module 2's scenarios: "Who designs, who delivers?", "Around the table"
and "Who is at the table?".

Each has a view function the book calls for its static renderings and an
explorer that wires the same view to labelled controls in JupyterLab.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from coproduction import data
from coproduction.figures.power import meeting_figure, reflection_figure, representation_figure
from coproduction.plotting import table
from coproduction.power import (
    AGENDA_OPTIONS,
    DECISION_RULES,
    DELIVERY_ROLES,
    DESIGN_ROLES,
    WHO,
    Meeting,
    reflection_cell,
    representation,
    simulate_meetings,
)
from coproduction.widgets.base import Scenario, labelled, static_build, static_note

__all__ = [
    "reflection_html", "reflection_view", "reflection_explorer",
    "meeting_html", "meeting_view", "meeting_explorer",
    "representation_html", "representation_view", "representation_explorer",
]


def reflection_html(design: str, delivery: str) -> str:
    """The named cell for a design and delivery choice, with the table."""
    cell = reflection_cell(design, delivery)
    return (
        '<div role="status">'
        f"<p><strong>{html.escape(cell.name)}</strong></p>"
        f"<p>{html.escape(cell.meaning)}</p>"
        f"<p><em>Example (fictional):</em> {html.escape(cell.example)}</p></div>"
        + reflection_figure(cell)._repr_html_()
    )


def reflection_view(design: str, delivery: str) -> HTML:
    return HTML(reflection_html(design, delivery))


def reflection_explorer() -> Scenario | HTML:
    """Scenario "Who designs, who delivers?"."""
    if static_build():
        return static_note("Who designs, who delivers?")
    controls = {
        "design": labelled(widgets.Dropdown(options=[(DESIGN_ROLES[w], w) for w in WHO]),
                           "Who holds responsibility for design (planning)?"),
        "delivery": labelled(widgets.Dropdown(options=[(DELIVERY_ROLES[w], w) for w in WHO]),
                             "Who holds responsibility for delivery?"),
    }
    return Scenario("Who designs, who delivers?", controls, reflection_html,
                    intro="Pick who plans a service and who delivers it to see which cell of the "
                          "reflection table it sits in.")


_RULE_WORDS = {
    "majority": "a proposal passes if more than half support it",
    "consensus": "a proposal passes only if everyone agrees, so any member can veto it",
    "consent": "a proposal passes unless someone has a reasoned objection",
}


def meeting_html(professionals: int, lived_experience: int, carers: int, agenda_set_by: str,
                 decision_rule: str, papers_in_advance: bool, plain_language: bool) -> str:
    """The meeting model's outcome for one set-up."""
    meeting = Meeting(professionals, lived_experience, carers, agenda_set_by,  # type: ignore[arg-type]
                      decision_rule, papers_in_advance, plain_language)  # type: ignore[arg-type]
    outcome = simulate_meetings(meeting)
    t = outcome.table
    gap = outcome.fairness_gap()
    shown = t.assign(**{c: t[c].map("{:.0%}".format) for c in ("seat share", "floor share", "adoption rate")})
    return (
        '<div role="status">'
        f"<p>Decision rule: <strong>{decision_rule}</strong> ({_RULE_WORDS[decision_rule]}). "
        f"Agenda set by <strong>{agenda_set_by}</strong>.</p>"
        f"<p>Professionals' proposals were adopted <strong>{gap * 100:+.0f} percentage points</strong> "
        "more often than other members' (0 would be even).</p></div>"
        + table(shown, "Outcome by role over 200 simulated meetings (toy model)").data
        + meeting_figure(outcome)._repr_html_()
    )


def meeting_view(**choices: object) -> HTML:
    defaults: dict[str, object] = {"professionals": 6, "lived_experience": 3, "carers": 2,
                                   "agenda_set_by": "professionals", "decision_rule": "majority",
                                   "papers_in_advance": False, "plain_language": False}
    return HTML(meeting_html(**{**defaults, **choices}))  # type: ignore[arg-type]


def meeting_explorer() -> Scenario | HTML:
    """Scenario "Around the table"."""
    if static_build():
        return static_note("Around the table")
    controls = {
        "professionals": labelled(widgets.IntText(value=6), "How many professionals? (0–30)"),
        "lived_experience": labelled(widgets.IntText(value=3),
                                     "How many members with lived experience? (0–30)"),
        "carers": labelled(widgets.IntText(value=2), "How many carers? (0–30)"),
        "agenda_set_by": labelled(widgets.Dropdown(options=[("Professionals", AGENDA_OPTIONS[0]),
                                                            ("All members jointly", AGENDA_OPTIONS[1])]),
                                  "Who sets the agenda?"),
        "decision_rule": labelled(widgets.Dropdown(options=[(r.capitalize(), r) for r in DECISION_RULES]),
                                  "How are decisions made?"),
        "papers_in_advance": labelled(widgets.Checkbox(value=False), "Papers arrive a week in advance"),
        "plain_language": labelled(widgets.Checkbox(value=False), "Papers are in plain language"),
    }
    return Scenario("Around the table", controls, meeting_html,
                    intro="Set up a fictional advisory group's meetings. A seeded toy model runs 200 "
                          "meetings and shows who gets the floor and whose proposals are adopted.")


def representation_html(bodies: pd.DataFrame, body: str, threshold: float) -> str:
    """Representation ratios of one body's groups, flagged below ``threshold``."""
    frame = representation(bodies, body, threshold)
    flagged = frame[frame["under_represented"]]
    names = ", ".join(f"{d}: {g}" for d, g in zip(flagged["dimension"], flagged["group"])) or "none"
    shown = frame.assign(seat_share=frame["seat_share"].map("{:.0%}".format),
                         population_share=frame["population_share"].map("{:.0%}".format),
                         ratio=frame["ratio"].map("{:.2f}".format))
    return (
        f'<div role="status"><p><strong>{html.escape(body)}</strong>: under-represented at a threshold of '
        f"{threshold:g}: {html.escape(names)}.</p></div>"
        + table(shown.set_index(["dimension", "group"]), f"Representation on the {body} (fictional)").data
        + representation_figure(frame, body, threshold)._repr_html_()
    )


def representation_view(body: str, threshold: float = 0.8) -> HTML:
    return HTML(representation_html(data.load("advisory_bodies"), body, threshold))


def representation_explorer(bodies: pd.DataFrame | None = None) -> Scenario | HTML:
    """Scenario "Who is at the table?"."""
    if static_build():
        return static_note("Who is at the table?")
    bodies = data.load("advisory_bodies") if bodies is None else bodies
    controls = {
        "body": labelled(widgets.Dropdown(options=sorted(bodies["body"].unique())), "Advisory body"),
        "threshold": labelled(widgets.FloatText(value=0.8, step=0.05),
                              "Flag groups whose ratio is below (0 to 1)"),
    }
    return Scenario("Who is at the table?", controls,
                    lambda body, threshold: representation_html(bodies, body, threshold),
                    intro="Compare who sits on a fictional advisory body with the people its service serves.")
