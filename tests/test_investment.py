"""Input investment logic: input across the spectrum, the budget model and
its warnings, dated example rates, past projects, and bad input."""

from __future__ import annotations

import pytest

from coproduction import data
from coproduction.investment import (
    EXAMPLE_RATES,
    INPUT_ACROSS_SPECTRUM,
    PEOPLE_NEED,
    InvestmentError,
    Plan,
    budget,
    input_profile,
    retention_by_payment,
)
from coproduction.ladder import LadderError, SPECTRUM_ORDER

from .conftest import ROOT


def test_input_rises_along_the_spectrum() -> None:
    assert list(INPUT_ACROSS_SPECTRUM) == list(SPECTRUM_ORDER)
    for measure in range(4):
        values = [INPUT_ACROSS_SPECTRUM[t][measure] for t in SPECTRUM_ORDER]
        assert values == sorted(values), "no input falls as participation deepens"
    assert input_profile("Inform") == {"input from the system": 1, "input into people": 0,
                                       "input from people": 0, "strength of the relationship": 0}
    with pytest.raises(LadderError, match="not a type"):
        input_profile("Collaborate")


def test_five_things_people_need() -> None:
    assert len(PEOPLE_NEED) == 5
    assert "effect their input had" in PEOPLE_NEED[-1]


def test_example_rates_are_dated_and_cited() -> None:
    bib = (ROOT / "book" / "references.bib").read_text()
    for rate in EXAMPLE_RATES:
        assert rate.as_of and rate.unit
        assert f"{{{rate.source}," in bib, f"{rate.name}: cite a source in references.bib"
    values = {r.name: r for r in EXAMPLE_RATES}
    # The course brief's review: 13.80 was reported without a unit, so it is never called an hourly rate;
    # the ESA figure is the permitted-work *higher* limit, for work under 16 hours a week.
    assert values["NIHR public involvement payment, bottom of the range"].unit == "GBP (unit not reported)"
    higher = values["ESA permitted work higher limit"]
    assert higher.value == 183.50 and "under 16 hours" in higher.note and "DWP must be told" in higher.note
    assert values["ESA permitted work lower limit"].value == 20.0
    assert not [r for r in EXAMPLE_RATES if "lower limit" in r.name and r.value > 20]


def test_budget_lines_add_up() -> None:
    plan = Plan(participants=10, groups=2, sessions=3, hours_per_session=2.0, prep_hours_per_session=1.0,
                payment_per_hour=20.0, travel_per_attendance=5.0, care_per_attendance=10.0,
                interpreting_per_session=100.0, participant_training=500.0, staff_training=300.0,
                staff_per_session=2, staff_hours_per_session=4.0, staff_hourly_cost=25.0)
    result = budget(plan)
    attendances = 10 * 3
    assert result.breakdown["payment for participants' time"] == attendances * 3.0 * 20.0
    assert result.breakdown["travel"] == attendances * 5.0
    assert result.breakdown["care so people can attend"] == attendances * 10.0
    assert result.breakdown["interpreting"] == 2 * 3 * 100.0
    assert result.breakdown["staff time"] == 2 * 3 * 2 * 4.0 * 25.0
    assert result.total == pytest.approx(sum(result.breakdown.values()))
    assert result.per_participant_hour == pytest.approx(result.total / (attendances * 2.0))


def test_warnings_flag_plans_that_cannot_work() -> None:
    assert any("train participants" in w for w in budget(Plan(participant_training=0)).warnings)
    assert not any("train participants" in w for w in budget(Plan(participant_training=800)).warnings)
    assert not any("train participants" in w for w in budget(Plan(participation_type="Consult")).warnings)
    unpaid = budget(Plan(payment_per_hour=0, participant_training=500)).warnings
    assert any("Nobody is paid" in w for w in unpaid)
    short = budget(Plan(participation_type="Co-produce", months=3, participant_training=500)).warnings
    assert any("16 to 18 months" in w for w in short)
    over = budget(Plan(sessions_per_week=2, payment_per_hour=20, weekly_benefit_limit=100,
                       participant_training=500)).warnings
    assert any("above the benefit limit" in w and "welfare rights advice" in w for w in over)
    assert not any("benefit limit" in w for w in budget(Plan(weekly_benefit_limit=0)).warnings)
    # Two sessions a week of 6 hours plus 2 of preparation is 16 hours: it breaks the hours rule even when
    # the pay is within the earnings limit.
    long_week = budget(Plan(sessions_per_week=2, hours_per_session=6, prep_hours_per_session=2,
                            payment_per_hour=10, weekly_benefit_limit=183.5, participant_training=500)).warnings
    assert any("16 hours in a week" in w and "under 16 hours" in w for w in long_week)
    assert not any("benefit limit of" in w for w in long_week)
    short_week = budget(Plan(sessions_per_week=2, hours_per_session=4, prep_hours_per_session=2,
                             payment_per_hour=10, weekly_benefit_limit=183.5, participant_training=500)).warnings
    assert not any("hours in a week" in w for w in short_week)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"participation_type": "Partnership"}, "participation_type must be a spectrum type"),
        ({"payment_per_hour": -1}, "payment per hour cannot be negative"),
        ({"participants": 0}, "participants must be a whole number of at least 1"),
        ({"sessions": 2.5}, "sessions must be a whole number"),
        ({"travel_per_attendance": "8"}, "travel per attendance must be a number"),
        ({"payment_per_hour": None}, "payment per hour must be a number, not None"),
        ({"participants": 2, "groups": 3}, "2 participants cannot fill 3 groups"),
    ],
)
def test_bad_plans_get_clear_errors(kwargs: dict, fragment: str) -> None:
    with pytest.raises(InvestmentError, match=fragment):
        Plan(**kwargs)


def test_past_projects_show_the_pattern() -> None:
    projects = data.load("past_projects")
    kept = retention_by_payment(projects)
    assert list(kept.index) == ["paid", "unpaid"]
    assert kept["paid"] > kept["unpaid"]
    assert (projects["stayed_to_end"] <= projects["participants"]).all()
    assert ((projects["budget_payment"] > 0) == projects["participants_paid"]).all()
    with pytest.raises(InvestmentError, match="no column 'participants_paid'"):
        retention_by_payment(projects.drop(columns="participants_paid"))
