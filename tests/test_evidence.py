"""Evidence logic: Wilson and Newcombe intervals against published values,
the purple model, judging evidence, and clear errors for bad input."""

from __future__ import annotations

import pytest

from coproduction.evidence import (
    LOCAL_DILUTION,
    EvidenceError,
    compare_rates,
    judge_difference,
    judge_narratives,
    keeping_it_purple,
    rates,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), table I: Wilson score intervals without continuity correction.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_published_intervals(successes: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(successes, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_narrows_as_the_sample_grows() -> None:
    widths = [wilson_interval(round(0.6 * n), n) for n in (5, 20, 80, 320)]
    spans = [high - low for low, high in widths]
    assert spans == sorted(spans, reverse=True)
    assert wilson_interval(5, 5)[1] == 1.0 and wilson_interval(0, 5)[0] == 0.0


def test_rates_carry_each_groups_published_interval_for_the_figure() -> None:
    first, second = rates([("Newcombe 81/263", 81, 263), ("Newcombe 0/20", 0, 20)])
    assert (first.label, first.n, first.rate) == ("Newcombe 81/263", 263, 81 / 263)
    assert (first.low, first.high) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert (second.low, second.high) == pytest.approx((0.0, 0.1611), abs=5e-5)
    with pytest.raises(EvidenceError):
        rates([("no one", 0, 0)])


def test_newcombe_difference_matches_the_published_example() -> None:
    # Newcombe (1998), table II, example (a): 56/70 against 48/80, method 10.
    difference = compare_rates(56, 70, 48, 80)
    assert difference.estimate == pytest.approx(0.2)
    assert (difference.low, difference.high) == pytest.approx((0.0524, 0.3339), abs=5e-4)
    assert difference.clear


def test_small_groups_cannot_show_a_difference() -> None:
    small = compare_rates(5, 12, 60, 100)
    assert not small.clear
    assert judge_difference(small, expect_lower=True, what="x")[0] == "cannot say"
    large = compare_rates(50, 120, 600, 1000)
    assert large.clear
    assert judge_difference(large, expect_lower=True, what="x")[0] == "supports"
    assert judge_difference(large, expect_lower=False, what="x")[0] == "contradicts"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((3, 0), "at least 1"),
        ((5, 4), "between 0 and n"),
        ((-1, 4), "between 0 and n"),
        ((2.5, 10), "successes must be a whole number"),
        ((True, 10), "successes must be a whole number"),
    ],
)
def test_bad_counts_get_clear_errors(args: tuple, fragment: str) -> None:
    with pytest.raises(EvidenceError, match=fragment):
        wilson_interval(*args)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.2, "95%"])
def test_bad_confidence_levels(confidence: object) -> None:
    with pytest.raises(EvidenceError, match="confidence must be a number between 0 and 1"):
        wilson_interval(3, 10, confidence)  # type: ignore[arg-type]


def test_keeping_it_purple() -> None:
    assert keeping_it_purple(0.5, True).local == 0.5
    assert keeping_it_purple(0.5, True).intent_kept == 1.0
    diluted = keeping_it_purple(0.5, False)
    assert diluted.local == pytest.approx(0.5 * (1 - LOCAL_DILUTION))
    assert diluted.intent_kept == pytest.approx(1 - LOCAL_DILUTION)
    assert keeping_it_purple(0.4, True, local_people_share=0.6).local == 0.6
    from coproduction.figures.evidence import mix_colour

    assert mix_colour(0) == "#0072B2" and mix_colour(1) == "#CC79A7" and mix_colour(0.5) == "#6676AC"
    for bad in (-0.1, 1.2, "half"):
        with pytest.raises(EvidenceError, match="share between 0 and 1"):
            keeping_it_purple(bad, True)  # type: ignore[arg-type]
    with pytest.raises(EvidenceError, match="local_coproduction must be True or False"):
        keeping_it_purple(0.5, "yes")  # type: ignore[arg-type]


def test_judge_narratives_needs_more_than_one_voice() -> None:
    assert judge_narratives(9, 30, 7)[0] == "supports"
    verdict, reason = judge_narratives(4, 30, 1)
    assert verdict == "cannot say" and "beyond a few people" in reason
    assert judge_narratives(0, 30, 0)[0] == "cannot say"
    with pytest.raises(EvidenceError, match="people must be a whole number from 0 to 4"):
        judge_narratives(4, 30, 5)


def test_weighing_no_source_at_all_is_refused_by_the_logic() -> None:
    from coproduction import data
    from coproduction.evidence import weigh_proposal

    n, s, r = (data.load(name) for name in ("narratives", "feedback_survey", "service_records"))
    with pytest.raises(EvidenceError, match="at least one source"):
        weigh_proposal(n, s, r, ())
