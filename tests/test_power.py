"""Power imbalance logic: the reflection table as the source gives it, the
meeting model's directions, records and representation, and bad input."""

from __future__ import annotations

import pandas as pd
import pytest

from coproduction import data
from coproduction.power import (
    CHALLENGES,
    INDIVIDUAL_CYCLE,
    REFLECTION_TABLE,
    ROLES,
    WHO,
    Meeting,
    PowerError,
    adoption_rate,
    reflection_cell,
    reflection_grid,
    representation,
    simulate_meetings,
    speaking_share,
)


def test_reflection_table_has_nine_named_cells_with_full_coproduction_in_the_centre() -> None:
    assert len(REFLECTION_TABLE) == 9
    assert {(c.design, c.delivery) for c in REFLECTION_TABLE} == {(d, v) for d in WHO for v in WHO}
    assert reflection_cell("shared", "shared").name == "Full co-production"
    assert reflection_cell("professionals", "professionals").name == "Traditional professional service provision"
    assert reflection_cell("people", "people").name == "Self-organised community provision"
    grid = reflection_grid()
    assert grid.shape == (3, 3)
    assert grid.iloc[1, 1] == "Full co-production"
    assert all(c.example and c.meaning for c in REFLECTION_TABLE)


@pytest.mark.parametrize(("design", "delivery"), [("staff", "shared"), ("shared", None), ("people", "users")])
def test_reflection_cell_rejects_unknown_roles(design: object, delivery: object) -> None:
    with pytest.raises(PowerError, match="must be one of"):
        reflection_cell(design, delivery)  # type: ignore[arg-type]


def test_lists_the_module_teaches() -> None:
    assert [name for name, _ in CHALLENGES] == [
        "Lack of representation", "Exclusion of marginalised voices", "Procedural focus",
        "Cultural competence deficits", "Client partnership overlooked", "Siloed operations",
        "Inadequate data collection", "Absence of advisory bodies",
    ]
    assert INDIVIDUAL_CYCLE == ("Co-assess", "Co-decide", "Co-design", "Co-deliver")


def test_meeting_model_is_seeded_and_shares_add_up() -> None:
    first = simulate_meetings(Meeting())
    again = simulate_meetings(Meeting())
    pd.testing.assert_frame_equal(first.table, again.table)
    assert first.table["seat share"].sum() == pytest.approx(1)
    assert first.table["floor share"].sum() == pytest.approx(1)
    assert list(first.table.index) == list(ROLES)


def test_meeting_model_moves_in_the_directions_the_module_teaches() -> None:
    usual = simulate_meetings(Meeting())
    shared = simulate_meetings(Meeting(agenda_set_by="jointly", decision_rule="consent",
                                       papers_in_advance=True, plain_language=True))
    consensus = simulate_meetings(Meeting(decision_rule="consensus"))
    assert usual.fairness_gap() > 0.3, "professionals' proposals pass far more often by default"
    assert abs(shared.fairness_gap()) < 0.1, "sharing the agenda and the rule closes the gap"
    assert shared.table.loc["lived experience", "floor share"] > usual.table.loc["lived experience", "floor share"]
    adopted = lambda o: o.table["proposals adopted"].sum() / o.table["proposals made"].sum()  # noqa: E731
    assert adopted(consensus) < adopted(usual), "consensus passes fewer proposals: the trade-off"
    assert consensus.fairness_gap() > 0.3, "a fairer rule alone cannot fix an unfair agenda"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"professionals": -1}, "professionals must be a whole number from 0 to 30"),
        ({"carers": 2.5}, "carers must be a whole number"),
        ({"lived_experience": 31}, "lived experience must be a whole number from 0 to 30"),
        ({"professionals": 1, "lived_experience": 0, "carers": 0}, "at least two members"),
        ({"decision_rule": "vote"}, "decision_rule must be one of"),
        ({"agenda_set_by": "chair"}, "agenda_set_by must be one of"),
    ],
)
def test_bad_meetings_get_clear_errors(kwargs: dict, fragment: str) -> None:
    with pytest.raises(PowerError, match=fragment):
        Meeting(**kwargs)


def test_simulate_rejects_a_bad_number_of_meetings() -> None:
    with pytest.raises(PowerError, match="meetings must be a whole number"):
        simulate_meetings(Meeting(), meetings=0)


def test_records_show_the_imbalance() -> None:
    records = data.load("meeting_records")
    share = speaking_share(records)
    rates = adoption_rate(records)
    assert share.sum() == pytest.approx(1)
    assert share["professional"] > 0.5
    assert rates["professional"] > rates["lived experience"] > rates["carer"]
    lived = records[records["role"] == "lived experience"]
    supported = lived[lived["paid"] & lived["briefed"]]["minutes_spoken"].mean()
    unsupported = lived[~lived["paid"] & ~lived["briefed"]]["minutes_spoken"].mean()
    assert supported > unsupported, "paid, briefed members speak more: the exercise's point"


def test_record_functions_reject_bad_tables() -> None:
    with pytest.raises(PowerError, match="no column"):
        speaking_share(pd.DataFrame({"role": ["carer"]}))
    with pytest.raises(PowerError, match="No minutes were spoken"):
        speaking_share(pd.DataFrame({"role": ["carer"], "minutes_spoken": [0]}))
    assert adoption_rate(pd.DataFrame({"role": ["carer"], "proposals_made": [0],
                                       "proposals_adopted": [0]})).tolist() == [0.0, 0.0, 0.0]


def test_representation_ratios_and_flags() -> None:
    bodies = data.load("advisory_bodies")
    forum = representation(bodies, "Mental Health Service User Forum", 0.8)
    young = forum[forum["group"] == "18-39"].iloc[0]
    assert young["ratio"] == pytest.approx((4 / 14) / 0.45)
    assert bool(young["under_represented"])
    for _, rows in forum.groupby("dimension"):
        assert rows["seat_share"].sum() == pytest.approx(1)
    assert representation(bodies, "Mental Health Service User Forum", 0.5)["under_represented"].sum() < \
        forum["under_represented"].sum()


@pytest.mark.parametrize("threshold", [0, 1.5, -0.2, True, "0.8"])
def test_representation_rejects_bad_thresholds(threshold: object) -> None:
    with pytest.raises(PowerError, match="threshold must be a number above 0 and at most 1"):
        representation(data.load("advisory_bodies"), "Housing Tenants' Panel", threshold)  # type: ignore[arg-type]


def test_representation_names_the_bodies_when_one_is_unknown() -> None:
    with pytest.raises(PowerError, match="no body called 'Youth Board'.*Housing Tenants' Panel"):
        representation(data.load("advisory_bodies"), "Youth Board")


def test_consensus_can_hand_the_powerful_a_veto() -> None:
    """The course brief's review: consensus (everyone agrees) is not consent (no reasoned objection)."""
    joint = {"agenda_set_by": "jointly"}
    consensus = simulate_meetings(Meeting(decision_rule="consensus", **joint))
    consent = simulate_meetings(Meeting(decision_rule="consent", **joint))
    assert consensus.fairness_gap() > consent.fairness_gap() + 0.2, "with a fair agenda, consensus still favours voice"
    shared_voice = simulate_meetings(Meeting(decision_rule="consensus", papers_in_advance=True, plain_language=True,
                                             **joint))
    assert shared_voice.fairness_gap() < consensus.fairness_gap(), "sharing voice first weakens the veto"

