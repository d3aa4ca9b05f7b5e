"""Module 5's logic: the frameworks match the course's sources, the
self-assessment scores are right, and bad input gets a clear message."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from coproduction.data import load
from coproduction.practice import (FOCUS_AREA_ACTIONS, FOCUS_AREAS, LEVELS, PAIRINGS, PARTNER,
                                   PRACTICAL_STEPS, STAFF, STAGES, TOP_TEN_TIPS, PracticeError, area_scores,
                                   assess, balanced_scores, check_ratings, first_actions, perception_gaps,
                                   scores_by_role, stages_for, weakest)

from .conftest import ROOT


#: The course brief's section 5, committed so the check below runs on every clone.
BRIEF = ROOT / "tests" / "brief" / "content-section-5.md"
SHARED_BRIEF = ROOT.parent / "shared" / "CONTENT.md"


def _content_section(number: int) -> str:
    return BRIEF.read_text(encoding="utf-8").split(f"## {number}.")[1].split("\n## ")[0]


@pytest.mark.skipif(not SHARED_BRIEF.is_file(), reason="the shared course brief is not beside this clone")
def test_the_committed_brief_matches_the_shared_one() -> None:
    shared = SHARED_BRIEF.read_text(encoding="utf-8").split("## 5.")[1].split("\n## ")[0]
    assert _content_section(5).strip() == shared.strip(), "copy CONTENT.md's section 5 to tests/brief again"


def test_the_frameworks_have_their_sources_sizes_and_names() -> None:
    assert [s.number for s in STAGES] == list(range(1, 9))
    assert [s.name for s in STAGES] == [
        "Establish a co-production mindset", "Engage stakeholders", "Set up structures and processes",
        "Joint planning and design", "Shared decision-making", "Collaborative implementation",
        "Ongoing feedback and evaluation", "Sustainability and scaling",
    ]
    assert list(LEVELS) == ["Strategic", "Senior management", "Co-production managers", "Finance",
                            "Communication and marketing"]
    assert FOCUS_AREAS == ("Planning", "Training", "Implementation", "Flexibility", "Participation",
                           "Recognition", "Review", "Accountability")
    assert [len(FOCUS_AREA_ACTIONS[a]) for a in FOCUS_AREAS] == [3, 1, 2, 2, 4, 2, 2, 2]  # as seed 003 lists them
    assert len(TOP_TEN_TIPS) == 10 and TOP_TEN_TIPS[6] == "Back up decisions with evidence"
    assert len(PRACTICAL_STEPS) == 8 and "Measure what matters" in PRACTICAL_STEPS


def test_the_lists_match_the_course_brief() -> None:
    brief = " ".join(_content_section(5).split()).lower()
    for area in FOCUS_AREAS:
        assert area.lower() in brief
    for level in LEVELS:
        assert level.lower() in brief
    for stage in ("mindset", "engage stakeholders", "structures and processes", "joint planning and design",
                  "shared decision-making", "collaborative implementation", "feedback and evaluation",
                  "sustainability and scaling"):
        assert stage in brief, stage


def test_every_stage_tip_and_step_is_used_without_forcing_one_onto_every_area() -> None:
    assert list(PAIRINGS) == list(FOCUS_AREAS)
    assert {n for p in PAIRINGS.values() for n in p.stages} == set(range(1, 9))
    assert {t for p in PAIRINGS.values() for t in p.tips} == set(range(1, 11))
    assert {s for p in PAIRINGS.values() for s in p.practical_steps} == set(PRACTICAL_STEPS)
    assert all(p.stages for p in PAIRINGS.values()), "every area leads to at least one stage"
    assert not PAIRINGS["Recognition"].practical_steps, "no practical step speaks to recognition"
    assert "Capacity building" in PAIRINGS["Training"].practical_steps
    assert stages_for("Review")[0].name == "Ongoing feedback and evaluation"
    assert [s.number for s in stages_for("Planning")] == [4, 6]


def _answers(rows: list[tuple[str, str, str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["respondent_id", "role", "area", "rating"])


def test_scores_leave_out_dont_know_and_count_groups_equally() -> None:
    answers = _answers([
        ("S1", STAFF, "Planning", 4), ("S2", STAFF, "Planning", 4), ("S3", STAFF, "Planning", None),
        ("L1", PARTNER, "Planning", 1), ("S1", STAFF, "Review", 2), ("L1", PARTNER, "Review", 3),
    ])
    pooled = area_scores(answers)
    assert pooled["Planning"] == pytest.approx(3.0) and pooled["Review"] == pytest.approx(2.5)
    assert pd.isna(pooled["Training"]) and list(pooled.index) == list(FOCUS_AREAS)
    assert balanced_scores(answers)["Planning"] == pytest.approx(2.5)  # (4 + 1) / 2, not 9 / 3
    by_role = scores_by_role(answers)
    assert by_role.loc["Planning", STAFF] == 4 and by_role.loc["Planning", PARTNER] == 1
    gaps = perception_gaps(answers)
    assert list(gaps.index[:2]) == ["Planning", "Review"]  # largest disagreement first, either sign
    assert gaps["Planning"] == pytest.approx(3.0) and gaps["Review"] == pytest.approx(-1.0)


def test_the_hub_data_shows_the_gap_the_module_describes() -> None:
    answers = load("self_assessment")
    focus = answers[answers["kind"] == "focus area"]
    assert set(focus["area"]) == set(FOCUS_AREAS)
    gaps = perception_gaps(focus)
    assert list(gaps.index[:2]) == ["Recognition", "Accountability"]
    assert (scores_by_role(focus)[STAFF] > scores_by_role(focus)[PARTNER]).all()  # "almost every area"
    assert weakest(balanced_scores(focus), 3) == ["Recognition", "Review", "Accountability"]
    assert "Accountability" not in weakest(area_scores(focus), 3)  # pooling changes the answer
    assert answers.groupby("role")["respondent_id"].nunique().to_dict() == {STAFF: 24, PARTNER: 12}


def test_weakest_keeps_ties_in_order_and_checks_n() -> None:
    scores = pd.Series({"Planning": 2.0, "Training": 1.0, "Review": 2.0})
    assert weakest(scores, 3) == ["Training", "Planning", "Review"]
    for bad in (0, 4):
        with pytest.raises(PracticeError, match="between 1 and 3"):
            weakest(scores, bad)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        ("not a frame", "expected a pandas DataFrame"),
        (pd.DataFrame({"role": [STAFF]}), "need the column(s) respondent_id, area, rating"),
        (_answers([("S1", "manager", "Planning", 2)]), "unknown role(s) ['manager']"),
        (_answers([("S1", STAFF, "Planning", 5)]), "rating 5 in row 0 is not 1 to 4"),
        (_answers([("S1", STAFF, "Planning", "high")]), "rating 'high' in row 0 is not 1 to 4"),
    ],
)
def test_bad_answers_are_named(frame: object, message: str) -> None:
    with pytest.raises(PracticeError) as err:
        check_ratings(frame)  # type: ignore[arg-type]
    assert message in str(err.value)


def test_assess_profiles_an_organisation_and_suggests_actions() -> None:
    focus = dict.fromkeys(FOCUS_AREAS, 3) | {"Review": 1, "Training": 2}
    levels = dict.fromkeys(LEVELS, 3) | {"Finance": 1}
    result = assess(focus, levels, n=2)
    assert result.weakest_areas == ["Review", "Training"] and result.weakest_level == "Finance"
    actions = result.actions["Review"]
    assert actions[:2] == [f"Aim for: {a}" for a in FOCUS_AREA_ACTIONS["Review"]]
    assert any("tip 7" in a for a in actions) and any(a.startswith("Measure what matters") for a in actions)
    assert first_actions("Review") == actions


@pytest.mark.parametrize(
    ("focus", "levels", "message"),
    [
        ({"Planning": 3}, dict.fromkeys(LEVELS, 2), "rate every focus area; missing: Training"),
        (dict.fromkeys(FOCUS_AREAS, 2) | {"Kindness": 3}, dict.fromkeys(LEVELS, 2), "'Kindness' is not a focus area"),
        (dict.fromkeys(FOCUS_AREAS, 2) | {"Review": 0}, dict.fromkeys(LEVELS, 2), "rate Review from 1"),
        (dict.fromkeys(FOCUS_AREAS, 2), dict.fromkeys(LEVELS, 2) | {"Finance": 2.5}, "rate Finance from 1"),
        (dict.fromkeys(FOCUS_AREAS, 2), dict.fromkeys(LEVELS, True), "rate Strategic from 1"),
    ],
)
def test_assess_rejects_bad_ratings(focus: dict, levels: dict, message: str) -> None:
    with pytest.raises(PracticeError, match=re.escape(message)):
        assess(focus, levels)
    with pytest.raises(PracticeError, match="not a focus area"):
        first_actions("Kindness")


def test_profile_redraws_only_what_changed_and_leaves_no_trace() -> None:
    from coproduction.figures.practice import profile_figure

    def render(recognition: int, weakest: list[str]) -> bytes:
        focus = pd.Series({a: 2.0 for a in FOCUS_AREAS} | {"Recognition": float(recognition)})
        levels = pd.Series({lv: 3.0 for lv in LEVELS})
        return profile_figure({"You": focus}, {"You": levels}, "Profile", weakest).png

    first = render(1, ["Recognition"])
    other = render(4, ["Review"])
    assert other != first
    assert render(1, ["Recognition"]) == first  # the earlier dots and shading are gone


def test_ratings_and_counts_are_checked_by_the_logic() -> None:
    from coproduction.practice import FOCUS_AREAS, LEVELS, PracticeError, split_ratings, weakest

    focus, levels = split_ratings({FOCUS_AREAS[0]: 2, next(iter(LEVELS)): 3})
    assert focus == {FOCUS_AREAS[0]: 2} and levels == {next(iter(LEVELS)): 3}
    with pytest.raises(PracticeError, match="neither a focus area nor an organisational level"):
        split_ratings({"Vibes": 3})
    for n in (True, 1.5, "2"):
        with pytest.raises(PracticeError, match="whole number"):
            weakest({area: 1 for area in FOCUS_AREAS}, n)  # type: ignore[arg-type]
