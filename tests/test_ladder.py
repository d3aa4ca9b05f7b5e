"""The ladder logic: the three ladders as the sources give them, the
classifier, the portfolio functions, and clear errors for bad input."""

from __future__ import annotations

from itertools import product

import pandas as pd
import pytest

from coproduction import ladder
from coproduction.ladder import (
    ANSWER_OPTIONS,
    ARNSTEIN_RUNGS,
    COPRODUCTION_STEPS,
    CORRESPONDENCE,
    SPECTRUM_ORDER,
    SPECTRUM_TYPES,
    WHO_OPTIONS,
    Activity,
    LadderError,
    classify,
    overlabelled,
    place,
    share_doing_with,
    tally_by_type,
)


def test_arnstein_has_eight_rungs_in_order_and_bands() -> None:
    assert [r.name for r in ARNSTEIN_RUNGS] == [
        "Manipulation", "Therapy", "Informing", "Consultation", "Placation",
        "Partnership", "Delegated power", "Citizen control",
    ]
    assert [r.position for r in ARNSTEIN_RUNGS] == list(range(1, 9))
    assert [r.group for r in ARNSTEIN_RUNGS] == (
        ["Non-participation"] * 2 + ["Degrees of tokenism"] * 3 + ["Degrees of citizen power"] * 3
    )


def test_ladder_of_coproduction_has_seven_steps_grouped_to_for_with() -> None:
    assert [s.name for s in COPRODUCTION_STEPS] == [
        "Coercion", "Educating", "Informing", "Consultation", "Engagement", "Co-design", "Co-production",
    ]
    assert [s.group for s in COPRODUCTION_STEPS] == (
        ["doing to"] * 2 + ["doing for"] * 3 + ["doing with"] * 2
    )


def test_spectrum_has_six_types_with_peoplehubs_key_questions() -> None:
    assert SPECTRUM_ORDER == ("Inform", "Educate", "Consult", "Engage", "Co-design", "Co-produce")
    questions = {t.name: t.key_question for t in SPECTRUM_TYPES}
    assert questions["Inform"] == "This is what is happening."
    assert questions["Educate"] == "This is what is happening and why. Do you understand?"
    assert questions["Consult"] == "This is what is happening and why. Do you agree or disagree?"
    assert questions["Engage"] == "This is what might happen. What do you think about it?"
    assert questions["Co-design"] == "This is what we want to achieve. How should we go about it?"
    assert questions["Co-produce"] == (
        "What are the biggest priorities and how can we work together to achieve them?"
    )


def test_correspondence_covers_every_type_and_names_real_levels() -> None:
    assert list(CORRESPONDENCE) == list(SPECTRUM_ORDER)
    step_names = {s.name for s in COPRODUCTION_STEPS}
    for step, rungs, note in CORRESPONDENCE.values():
        assert step in step_names
        assert all(1 <= r <= 8 for r in rungs)
        assert note
    # Correspondence never runs backwards except where the sources disagree
    # (Inform/Educate): the steps rise with the spectrum otherwise.
    positions = [next(s.position for s in COPRODUCTION_STEPS if s.name == step)
                 for step, _, _ in CORRESPONDENCE.values()]
    assert positions[2:] == sorted(positions[2:])
    assert positions[0] > positions[1], "peoplehub puts Educate above Inform; TLAP the other way"


@pytest.mark.parametrize(
    ("activity", "expected"),
    [
        (Activity(True, "none"), "Inform"),
        (Activity(False, "none"), "Inform"),
        (Activity(True, "understanding"), "Educate"),
        (Activity(True, "yes or no"), "Educate"),  # consultation on a settled decision
        (Activity(True, "open views", "together", "together"), "Educate"),
        (Activity(False, "understanding"), "Educate"),
        (Activity(False, "yes or no"), "Consult"),
        (Activity(False, "open views"), "Engage"),
        (Activity(False, "open views", "organisation", "together"), "Co-design"),
        (Activity(False, "open views", "together", "organisation"), "Co-produce"),
        (Activity(False, "open views", "together", "together"), "Co-produce"),
    ],
)
def test_classify_reads_the_key_questions(activity: Activity, expected: str) -> None:
    name, reasons = classify(activity)
    assert name == expected
    assert reasons and all(isinstance(r, str) and r for r in reasons)


def test_every_combination_of_answers_gets_a_type() -> None:
    seen = set()
    for made, answer, objective, method in product((True, False), ANSWER_OPTIONS, WHO_OPTIONS, WHO_OPTIONS):
        seen.add(classify(Activity(made, answer, objective, method))[0])
    assert seen == set(SPECTRUM_ORDER)


def test_place_gives_all_three_ladders_and_reasons() -> None:
    result = place(Activity(False, "open views", "organisation", "together", participants=12, sessions=6))
    assert result.spectrum_type.name == "Co-design"
    assert result.coproduction_step.name == "Co-design"
    assert [r.name for r in result.arnstein_rungs] == ["Partnership"]
    assert result.doing_with
    assert result.cautions == ()
    assert "Co-design" in result.summary()


def test_one_off_coproduction_is_flagged() -> None:
    result = place(Activity(False, "open views", "together", "together", participants=80, sessions=1))
    assert result.spectrum_type.name == "Co-produce"
    assert len(result.cautions) == 3  # one session, many people, too few sessions for co-production


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"decision_made": "yes", "answer_sought": "none"}, "decision_made must be True or False"),
        ({"decision_made": True, "answer_sought": "maybe"}, "answer_sought must be one of"),
        ({"decision_made": False, "answer_sought": "none", "objective_set_by": "them"}, "objective_set_by"),
        ({"decision_made": False, "answer_sought": "none", "method_decided_by": None}, "method_decided_by"),
        ({"decision_made": False, "answer_sought": "none", "participants": 0}, "participants must be at least 1"),
        ({"decision_made": False, "answer_sought": "none", "sessions": -3}, "sessions must be at least 1"),
        ({"decision_made": False, "answer_sought": "none", "sessions": 2.5}, "sessions must be a whole number"),
        ({"decision_made": False, "answer_sought": "none", "participants": True}, "participants must be a whole"),
    ],
)
def test_bad_activities_get_clear_errors(kwargs: dict, fragment: str) -> None:
    with pytest.raises(LadderError, match=fragment):
        Activity(**kwargs)


def test_unknown_names_are_named_in_the_error() -> None:
    with pytest.raises(LadderError, match="'Collaborate' is not a type"):
        ladder.rank("Collaborate")
    with pytest.raises(LadderError, match="not one of the ladders"):
        ladder.levels_table("Hart's ladder")


def _frame(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["label", "spectrum_type"])


def test_tally_keeps_order_and_zeros() -> None:
    counts = tally_by_type(_frame([("Engage", "Engage"), ("Co-produce", "Consult"), ("Inform", "Consult")]))
    assert list(counts.index) == list(SPECTRUM_ORDER)
    assert counts.tolist() == [0, 0, 2, 1, 0, 0]


def test_share_doing_with() -> None:
    frame = _frame([("Co-produce", "Co-design"), ("Co-produce", "Consult"), ("Inform", "Co-produce"),
                    ("Engage", "Engage")])
    assert share_doing_with(frame) == 0.5
    assert share_doing_with(frame, "label") == 0.5
    assert share_doing_with(frame.iloc[0:0]) == 0.0


def test_overlabelled_finds_labels_above_criteria() -> None:
    frame = _frame([("Co-produce", "Consult"), ("Consult", "Consult"), ("Inform", "Engage"),
                    ("Engage", "Educate")])
    out = overlabelled(frame)
    assert out.index.tolist() == [0, 3]
    assert out["levels_over"].tolist() == [3, 2]


def test_portfolio_functions_reject_bad_tables() -> None:
    with pytest.raises(LadderError, match="no column"):
        tally_by_type(pd.DataFrame({"type": ["Inform"]}))
    with pytest.raises(LadderError, match="not spectrum types"):
        tally_by_type(_frame([("Inform", "Citizen control")]))
    with pytest.raises(LadderError, match="Expected a pandas DataFrame"):
        overlabelled([("Inform", "Inform")])  # type: ignore[arg-type]


def test_a_consultation_on_a_decision_already_taken_is_named_tokenism() -> None:
    """The course brief's review: a sham consultation must not come out only as Educate / Therapy."""
    from coproduction.ladder import TOKENISM_NOTE, sham_consultation
    from coproduction.widgets.ladder import placement_html

    for answer in ("yes or no", "open views"):
        late = Activity(decision_made=True, answer_sought=answer)
        result = place(late)
        assert sham_consultation(late) and result.tokenism and TOKENISM_NOTE in result.cautions
        assert "Tokenism" in result.summary() and "sham consultation" in placement_html(late)
    for honest in (Activity(decision_made=True, answer_sought="understanding"),
                   Activity(decision_made=True, answer_sought="none"),
                   Activity(decision_made=False, answer_sought="yes or no")):
        assert not place(honest).tokenism and "Tokenism" not in place(honest).summary()


def test_a_portfolio_counts_once_and_refuses_what_the_scenario_cannot_show() -> None:
    from coproduction import data
    from coproduction.ladder import ALL_DEPARTMENTS, LadderError, portfolio

    frame = data.load("engagement_activities")
    county = portfolio(frame)
    housing = portfolio(frame, "Housing", min_levels_over=2)
    assert county.activities == len(frame) == int(county.labelled.sum()) == int(county.supported.sum())
    assert housing.scope == "Housing" and housing.activities == int((frame["department"] == "Housing").sum())
    assert (housing.overlabelled["levels_over"] >= 2).all() and set(housing.overlabelled["department"]) <= {"Housing"}
    assert county.claimed_doing_with >= county.doing_with, "labels overstate, never understate, in this county"
    for bad, said in (("Nowhere", "not a department here"),):
        with pytest.raises(LadderError, match=said):
            portfolio(frame, bad)
    for levels in (0, 6, True, 1.5):
        with pytest.raises(LadderError, match="levels"):
            portfolio(frame, ALL_DEPARTMENTS, levels)  # type: ignore[arg-type]
