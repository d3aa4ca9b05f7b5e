"""Every module opens with a plain-language summary ("In short") that most
adults can read easily: a Flesch reading ease of at least 60.

The score is the standard Flesch formula, 206.835 - 1.015 x (words per
sentence) - 84.6 x (syllables per word), with syllables counted from the
hyphenation dictionary of the maintained ``pyphen`` library. (``textstat``'s
current release needs NLTK data downloaded at run time, which a test may not
do here.) The figures are printed with ``pytest -s``.
"""

from __future__ import annotations

import re

import pytest

from .conftest import ROOT, read_nb

TARGET = 60.0
MODULES = sorted(p.stem for p in (ROOT / "course").glob("0*.ipynb"))


def _syllables(word: str, dic) -> int:  # type: ignore[no-untyped-def]
    """As textstat counted them: one more than the word's hyphenation points."""
    return len(dic.positions(word)) + 1


def flesch_reading_ease(text: str) -> float:
    """The Flesch reading ease of plain English text."""
    import pyphen

    dic = pyphen.Pyphen(lang="en_GB")
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    syllables = sum(_syllables(part, dic) for word in words for part in word.split("-") if part)
    return 206.835 - 1.015 * len(words) / len(sentences) - 84.6 * syllables / len(words)


def _summary(module: str) -> str:
    cells = [c.source for c in read_nb(ROOT / "course" / f"{module}.ipynb").cells if c.cell_type == "markdown"]
    found = [c for c in cells if c.startswith("**In short.**")]
    assert len(found) == 1 and cells.index(found[0]) == 1, f"{module}: one 'In short' summary, after the title"
    return re.sub(r"[*_`]", "", found[0].removeprefix("**In short.**"))


def test_the_formula_scores_plain_and_dense_text_apart() -> None:
    plain = "The cat sat on the mat. It was warm. The dog came in and sat down too."
    dense = ("Organisational implementation of participatory methodologies necessitates comprehensive "
             "institutional reconfiguration and sustained interdepartmental collaboration.")
    assert flesch_reading_ease(plain) > 90 and flesch_reading_ease(dense) < 10


@pytest.mark.parametrize("module", MODULES)
def test_every_module_opens_with_a_plain_summary(module: str) -> None:
    text = _summary(module)
    sentences = [s for s in re.split(r"[.!?]+(?:\s|$)", text) if re.search(r"[A-Za-z]", s)]
    score = flesch_reading_ease(text)
    print(f"{module}: {len(sentences)} sentences, Flesch reading ease {score:.1f} (target {TARGET:g})")
    assert 5 <= len(sentences) <= 8, f"{module}: {len(sentences)} sentences"
    assert score >= TARGET, f"{module}: Flesch reading ease {score:.1f} is below {TARGET:g}"
