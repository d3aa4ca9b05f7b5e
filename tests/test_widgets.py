"""Scenarios without a browser: set a control, see the output change; give
an invalid value, see a message and no traceback."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

import coproduction.widgets

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
from coproduction.widgets.base import STATIC_ENV, Scenario


def _labels(scenario: Scenario) -> list[str]:
    return [c.description for c in scenario.controls.values()]


def test_ladder_explorer_controls_are_labelled() -> None:
    scenario = ladder_explorer()
    assert isinstance(scenario, Scenario)
    labels = _labels(scenario)
    assert all(label.endswith("?") for label in labels), labels
    assert len(set(labels)) == len(labels) == 6


def test_ladder_explorer_redraws_when_a_control_changes() -> None:
    scenario = ladder_explorer()
    assert "<strong>Consult</strong>" in scenario.output.value  # the starting answers
    scenario.controls["answer_sought"].value = "open views"
    assert "<strong>Engage</strong>" in scenario.output.value
    scenario.controls["method_decided_by"].value = "together"
    scenario.controls["sessions"].value = 6
    scenario.controls["participants"].value = 12
    view = scenario.output.value
    assert "<strong>Co-design</strong>" in view
    assert "This is what we want to achieve. How should we go about it?" in view
    assert 'alt="The three ladders side by side with one level outlined' in view
    assert "Cautions" not in view
    scenario.controls["decision_made"].value = True
    assert "<strong>Educate</strong>" in scenario.output.value
    assert "whatever the activity is called" in scenario.output.value


@pytest.mark.parametrize("bad", [0, -5])
def test_ladder_explorer_explains_an_invalid_entry(bad: int) -> None:
    scenario = ladder_explorer()
    scenario.controls["sessions"].value = bad
    assert scenario.message == f"sessions must be at least 1, not {bad}."
    assert 'role="alert"' in scenario.output.value
    assert "Traceback" not in scenario.output.value
    scenario.controls["sessions"].value = 3  # and it recovers
    assert scenario.message is None
    assert 'role="alert"' not in scenario.output.value


def test_portfolio_explorer_filters_by_department() -> None:
    scenario = portfolio_explorer()
    assert "Eastmere County (all departments)</strong>: 90 activities" in scenario.output.value
    scenario.controls["department"].value = "Transport"
    view = scenario.output.value
    assert "Transport</strong>: 15 activities" in view
    assert "Paired horizontal bars for Transport" in view
    scenario.controls["min_levels_over"].value = 3
    assert "at least 3 level(s) higher" in scenario.output.value


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_portfolio_explorer_rejects_out_of_range_levels(bad: int) -> None:
    scenario = portfolio_explorer()
    scenario.controls["min_levels_over"].value = bad
    assert "out of range" in (scenario.message or "")
    assert 'role="alert"' in scenario.output.value


def test_explorers_render_no_live_controls_in_the_book(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STATIC_ENV, "1")
    for name in coproduction.widgets.__all__:  # every scenario the package offers, new ones included
        shown = getattr(coproduction.widgets, name)()
        assert not isinstance(shown, widgets.Widget)
        assert "live scenario" in shown.data


def test_reflection_explorer_names_the_cell() -> None:
    scenario = reflection_explorer()
    assert "Traditional professional service provision" in scenario.output.value
    scenario.controls["design"].value = "shared"
    scenario.controls["delivery"].value = "shared"
    assert "<strong>Full co-production</strong>" in scenario.output.value
    assert "Recovery College" in scenario.output.value
    assert all(c.description.endswith("?") for c in scenario.controls.values())


def test_meeting_explorer_responds_and_explains_bad_numbers() -> None:
    scenario = meeting_explorer()
    before = scenario.output.value
    scenario.controls["decision_rule"].value = "consent"
    scenario.controls["agenda_set_by"].value = "jointly"
    assert scenario.output.value != before
    assert "Decision rule: <strong>consent</strong>" in scenario.output.value
    scenario.controls["carers"].value = 40
    assert scenario.message == "carers must be a whole number from 0 to 30, not 40."
    assert 'role="alert"' in scenario.output.value


def test_representation_explorer_flags_and_rejects() -> None:
    scenario = representation_explorer()
    scenario.controls["body"].value = "Housing Tenants' Panel"
    assert "Housing Tenants&#x27; Panel</strong>: under-represented" in scenario.output.value
    scenario.controls["threshold"].value = 1.2
    assert "threshold must be a number above 0 and at most 1" in (scenario.message or "")


def test_input_explorer_shows_what_people_need_when_deep() -> None:
    scenario = input_explorer()
    assert "needs, from the system" not in scenario.output.value
    scenario.controls["participation_type"].value = "Co-produce"
    view = scenario.output.value
    assert "<strong>Co-produce</strong>" in view and "To know what effect their input had" in view


def test_budget_explorer_warns_and_rejects_bad_numbers() -> None:
    scenario = budget_explorer()
    assert "train participants" in scenario.output.value
    scenario.controls["participant_training"].value = 900.0
    assert "No warnings for this plan." in scenario.output.value
    scenario.controls["weekly_benefit_limit"].value = 40.0
    assert "above the benefit limit" in scenario.output.value
    scenario.controls["payment_per_hour"].value = -5.0
    assert scenario.message == "payment per hour cannot be negative (-5.0)."
    assert 'role="alert"' in scenario.output.value


def test_purple_explorer_dilutes_without_local_coproduction() -> None:
    scenario = purple_explorer()
    assert "<strong>25%</strong> of their influence survives" in scenario.output.value
    scenario.controls["local_coproduction"].value = True
    assert "<strong>100%</strong> of their influence survives" in scenario.output.value
    scenario.controls["people_share"].value = 1.5
    assert "share between 0 and 1" in (scenario.message or "")


def test_sure_explorer_tells_noise_from_a_real_difference() -> None:
    scenario = sure_explorer()
    assert "could be noise" in scenario.output.value
    scenario.controls["n_a"].value = 160
    scenario.controls["successes_a"].value = 90
    assert "The difference is clear" in scenario.output.value
    scenario.controls["n_a"].value = 0
    assert "at least 1" in (scenario.message or "") and 'role="alert"' in scenario.output.value


def test_proposal_explorer_weighs_each_source() -> None:
    scenario = proposal_explorer()
    assert "Promising but not yet backed" in scenario.output.value
    scenario.controls["use_survey"].value = True
    assert "too few people to tell" in scenario.output.value
    scenario.controls["use_routine"].value = True
    assert "Backed: independent sources agree" in scenario.output.value
    for name in ("use_narratives", "use_survey", "use_routine"):
        scenario.controls[name].value = False
    assert scenario.message == "Bring in at least one source of evidence."


def test_assessment_explorer_finds_the_weakest_areas_and_suggests_actions() -> None:
    scenario = assessment_explorer()
    labels = _labels(scenario)
    assert len(set(labels)) == len(labels) == 15  # 8 focus areas, 5 levels, how many, compare
    view = scenario.output.value
    assert view.startswith('<div role="status"><p><strong>Start with:</strong> Recognition, Accountability, Training.')
    assert "Weakest level: <strong>Finance</strong>" in view
    assert "Stage 8, Sustainability and scaling" in view and "tip 10" in view
    scenario.controls["Recognition"].value = 4
    scenario.controls["n"].value = 1
    view = scenario.output.value
    assert "<strong>Start with:</strong> Accountability.</p>" in view
    assert "Eastmere" not in view
    scenario.controls["compare"].value = True
    view = scenario.output.value
    assert "disagree most about <strong>Recognition</strong>" in view
    assert "Eastmere hub partners:" in view  # the comparison is in the figure's alt text


@pytest.mark.parametrize(("bad", "message"), [(0, "show between 1 and 8 areas; got 0."),
                                              (9, "show between 1 and 8 areas; got 9.")])
def test_assessment_explorer_explains_an_impossible_count(bad: int, message: str) -> None:
    scenario = assessment_explorer()
    scenario.controls["n"].value = bad
    assert scenario.message == message
    assert 'role="alert"' in scenario.output.value


def test_toy_models_say_their_numbers_are_illustrative() -> None:
    """The course brief's review: the input and purple scenarios say what their numbers stand for."""
    from coproduction.widgets.evidence import purple_html
    from coproduction.widgets.investment import input_html

    assert "Illustrative: a toy model" in purple_html(0.6, True)
    assert "The levels are illustrative" in input_html("Co-design")


def test_a_scenario_shows_input_errors_but_lets_bugs_surface() -> None:
    """What the learner can fix is a message in the outcome; a bug in the course is not dressed up as one."""
    import ipywidgets

    from coproduction.errors import CourseInputError
    from coproduction.widgets.base import Scenario

    def render(n: int) -> str:
        if n < 1:
            raise CourseInputError("n must be at least 1")
        if n > 5:
            raise ValueError("cannot reshape array of size 3")  # what a pandas bug looks like
        return f"<p>{n}</p>"

    scenario = Scenario("Test", {"n": ipywidgets.IntText(value=2)}, render)
    scenario.controls["n"].value = 0
    assert scenario.message == "n must be at least 1" and "n must be at least 1" in scenario.output.value
    scenario.controls["n"].value = 3
    assert scenario.message is None and scenario.output.value == "<p>3</p>"
    with pytest.raises(ValueError, match="reshape"):
        scenario.controls["n"].value = 9
    from coproduction.modules import topics

    for module in (*topics(), "data"):
        errors = [v for v in vars(__import__(f"coproduction.{module}", fromlist=["x"])).values()
                  if isinstance(v, type) and issubclass(v, Exception) and v.__module__ == f"coproduction.{module}"]
        assert errors and all(issubclass(e, CourseInputError) for e in errors), module
