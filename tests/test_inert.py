"""The pieces that keep learner text and values inert (issue 34), checked
without grading: terminals, spreadsheets, Formgrader's pages, the values the
judge takes from a learner's process, and the roster."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coproduction.cohort.guard import add_nonces, policy
from coproduction.cohort.inert import markdown_as_text, spreadsheet, terminal
from coproduction.cohort.values import Opaque, decode, encode
from coproduction.cohort.workspace import CohortError, read_roster
from coproduction.data import load


def test_terminal_text_has_no_control_character_left() -> None:
    shown = terminal("ok\x1b[2J\x1b[H\rGRADED\n\u202efdp.exe\x07")
    assert not any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f or ch == "\u202e" for ch in shown)
    assert "GRADED" in shown and "\\x1b[2J" in shown


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_formula_in_a_csv_cell_becomes_text(cell: str) -> None:
    assert spreadsheet(cell) == "'" + cell
    assert spreadsheet(3.5) == 3.5 and spreadsheet("plain words") == "plain words"


def test_learner_markdown_keeps_its_words_and_loses_its_markup_and_code_links() -> None:
    text = markdown_as_text("**Yes** <img src=x onerror=alert(1)> [a](javascript:alert(2)) [b](https://nhs.uk) "
                            "![c](data:text/html,x)\n[d]: vbscript:x")
    assert "<" not in text and "**Yes**" in text and "(https://nhs.uk)" in text
    assert "javascript:" not in text and "data:" not in text and "vbscript:" not in text
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(text)
    assert "<img" not in rendered and "href" not in rendered.replace('href="https://nhs.uk"', "")


def test_formgrader_pages_nonce_only_their_own_scripts() -> None:
    page = ('<head><script src="/a.js"></script><script>var x = 1;</script></head><body>'
            '<div class="container" id="notebook-container"><script>alert(1)</script></div>'
            '<div class="help"></div><script>tail()</script></body>')
    marked = add_nonces(page, "N0NCE")
    assert marked.count('nonce="N0NCE"') == 3
    assert '<div class="container" id="notebook-container"><script>alert(1)</script>' in marked
    rules = policy("N0NCE")
    assert "'nonce-N0NCE'" in rules and "'unsafe-inline'" not in rules.split("style-src")[0]
    assert "object-src 'none'" in rules and "frame-ancestors 'self'" in rules


def test_values_cross_as_data_and_come_back_equal() -> None:
    frame = load("engagement_activities")
    for value in (frame, frame["department"].value_counts(), [1, (2.5, float("nan"))], {"a": {1, 2}}, None):
        back = decode(json.loads(json.dumps(encode(value))))
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(back, value)
        elif isinstance(value, pd.Series):
            pd.testing.assert_series_equal(back, value)
        else:
            assert repr(back) == repr(value)


def test_a_value_that_claims_to_equal_everything_crosses_as_an_opaque_one() -> None:
    class Anything:
        def __eq__(self, other: object) -> bool:
            return True

    back = decode(json.loads(json.dumps(encode(Anything()))))
    assert isinstance(back, Opaque) and back != back and back != 1


@pytest.mark.parametrize("wire", [{"frame": [[[1]], "nope", [], []]}, {"np": ["object; rm -rf", 1]},
                                  {"dict": [[1]]}, {"two": 1, "keys": 2}, {"series": [[1], [[0], "int64", None],
                                                                                      "float64"]}])
def test_a_malformed_value_is_refused_with_a_reason(wire: object) -> None:
    with pytest.raises(ValueError):
        decode(wire)


def test_a_roster_refuses_names_that_hold_markup(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name\nL01,Ana,O'Brien\nL02,<img src=x onerror=alert(1)>,X\n"
                      "L03,Sam,\x1b[2J\n", encoding="utf-8")
    with pytest.raises(CohortError) as refused:
        read_roster(roster)
    assert "row 3" in str(refused.value) and "row 4" in str(refused.value) and "row 2" not in str(refused.value)
