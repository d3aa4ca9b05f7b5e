"""Module 4's scenarios: "Keeping it purple", "How sure can we be?" and
"Does the evidence back the proposal?"."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd
from IPython.display import HTML

from coproduction import data
from coproduction.evidence import (
    PROPOSAL,
    SOURCES,
    compare_rates,
    keeping_it_purple,
    overall,
    rates,
    weigh_proposal,
)
from coproduction.figures.evidence import intervals_figure, purple_figure
from coproduction.plotting import table
from coproduction.widgets.base import Scenario, labelled, static_build, static_note

__all__ = ["purple_html", "purple_view", "purple_explorer", "sure_html", "sure_view", "sure_explorer",
           "proposal_html", "proposal_view", "proposal_explorer"]


#: What the toy model's percentages stand for.
PURPLE_NOTE = ("Illustrative: a toy model of peoplehub's blue-and-pink picture, not a measurement. Its one "
               "assumption, stated in module 4, is how much of people's influence is lost when a policy is "
               "put into practice locally without them.")


def purple_html(people_share: float, local_coproduction: bool) -> str:
    blend = keeping_it_purple(people_share, local_coproduction)
    return (f'<div role="status"><p>People shaped <strong>{blend.national:.0%}</strong> of the national policy; '
            f"<strong>{blend.local:.0%}</strong> of what reaches people locally is theirs, so "
            f"<strong>{blend.intent_kept:.0%}</strong> of their influence survives.</p>"
            f"<p><small>{PURPLE_NOTE}</small></p></div>"
            + purple_figure(blend, local_coproduction)._repr_html_())


def purple_view(people_share: float, local_coproduction: bool) -> HTML:
    return HTML(purple_html(people_share, local_coproduction))


def purple_explorer() -> Scenario | HTML:
    """Scenario "Keeping it purple"."""
    if static_build():
        return static_note("Keeping it purple")
    controls = {
        "people_share": labelled(widgets.FloatText(value=0.5, step=0.1),
                                 "How much did people shape the national policy? (0 to 1)"),
        "local_coproduction": labelled(widgets.Checkbox(value=False), "Local implementation is co-produced"),
    }
    return Scenario("Keeping it purple", controls, purple_html,
                    intro="A national policy shaped by people is put into practice locally. See what reaches "
                          "people with and without local co-production.")


def sure_html(successes_a: int, n_a: int, successes_b: int, n_b: int) -> str:
    difference = compare_rates(successes_a, n_a, successes_b, n_b)
    verdict = ("The difference is clear: the interval for it excludes zero." if difference.clear else
               "The difference could be noise: the interval for it includes zero.")
    return (f'<div role="status"><p>Group A: {difference.rate_a:.0%}; group B: {difference.rate_b:.0%}. '
            f"Difference {difference.estimate * 100:+.0f} points, 95% interval "
            f"{difference.low * 100:+.0f} to {difference.high * 100:+.0f}. <strong>{verdict}</strong></p></div>"
            + intervals_figure(rates([("group A", successes_a, n_a), ("group B", successes_b, n_b)]),
                               "How sure can we be?")._repr_html_())


def sure_view(successes_a: int, n_a: int, successes_b: int, n_b: int) -> HTML:
    return HTML(sure_html(successes_a, n_a, successes_b, n_b))


def sure_explorer() -> Scenario | HTML:
    """Scenario "How sure can we be?"."""
    if static_build():
        return static_note("How sure can we be?")
    controls = {
        "successes_a": labelled(widgets.IntText(value=9), "Group A: how many were satisfied?"),
        "n_a": labelled(widgets.IntText(value=16), "Group A: how many answered?"),
        "successes_b": labelled(widgets.IntText(value=290), "Group B: how many were satisfied?"),
        "n_b": labelled(widgets.IntText(value=425), "Group B: how many answered?"),
    }
    return Scenario("How sure can we be?", controls, sure_html,
                    intro="Change how many people answered and how many were satisfied, and watch each "
                          "group's interval widen and narrow.")


def proposal_html(narratives: pd.DataFrame, survey: pd.DataFrame, records: pd.DataFrame,
                  use_narratives: bool, use_survey: bool, use_routine: bool) -> str:
    use = tuple(s for s, on in zip(SOURCES, (use_narratives, use_survey, use_routine)) if on)
    verdicts = weigh_proposal(narratives, survey, records, use)
    frame = pd.DataFrame([(v, r) for _, v, r in verdicts], columns=["says", "because"],
                         index=pd.Index([s for s, _, _ in verdicts], name="source"))
    return (f'<div role="status"><p>Proposal: <em>{html.escape(PROPOSAL)}</em>.</p>'
            f"<p><strong>{html.escape(overall(verdicts))}</strong></p></div>"
            + table(frame, "What each source says (fictional data)").data)


def proposal_view(*sources: str) -> HTML:
    n, s, r = (data.load(name) for name in ("narratives", "feedback_survey", "service_records"))
    return HTML(proposal_html(n, s, r, *(name in sources for name in SOURCES)))


def proposal_explorer() -> Scenario | HTML:
    """Scenario "Does the evidence back the proposal?"."""
    if static_build():
        return static_note("Does the evidence back the proposal?")
    n, s, r = (data.load(name) for name in ("narratives", "feedback_survey", "service_records"))
    controls = {
        "use_narratives": labelled(widgets.Checkbox(value=True), "Coded narratives"),
        "use_survey": labelled(widgets.Checkbox(value=False), "Independent feedback survey"),
        "use_routine": labelled(widgets.Checkbox(value=False), "Routine appointment records"),
    }
    return Scenario("Does the evidence back the proposal?", controls,
                    lambda use_narratives, use_survey, use_routine: proposal_html(
                        n, s, r, use_narratives, use_survey, use_routine),
                    intro="Bring in each source in turn and see what it supports, contradicts or cannot say.")
