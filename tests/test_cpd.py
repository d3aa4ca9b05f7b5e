"""Reflections and the CPD record (issue 18, parts 3 and 4): the learner's
own words and the course's hours, read back from the printed PDF, and
never a solution or hidden test."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from coproduction.cpd import cpd_entries, main, write_cpd
from coproduction.learner import CPD_QUESTIONS, read_reflections, reflections_file
from coproduction.modules import course_modules
from coproduction.progress import reflections_answered
from coproduction.nbgrader_tools import LEAK_MARKERS, secret_lines

from .conftest import ROOT
from .submissions.cohort import learner_folder

LEARNED = "A consultation can be honest when the decision is really open; naming it co-production is not."
APPLY = "At our next service review I will ask the people who use the service to name the activity with us."
STANDARD = "NMC Code 2.1: work in partnership with people to make sure you deliver care effectively."


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Module 1 complete with reflections written; module 2 started; the rest untouched."""
    root = learner_folder(tmp_path_factory.mktemp("cpd") / "course", {"ladder": "solution", "power": "partly-wrong"})
    ladder = next(m for m in course_modules(root) if m.exercise == "ladder")
    page = reflections_file(root, ladder)
    text = page.read_text(encoding="utf-8")
    for heading, words in zip(CPD_QUESTIONS, (LEARNED, APPLY, STANDARD)):
        text = text.replace(f"## {heading}\n\n", f"## {heading}\n\n{words}\n", 1)
    page.write_text(text, encoding="utf-8")
    return root


def test_every_module_has_a_reflections_page_with_its_own_questions(learner: Path) -> None:
    for module in course_modules(learner):
        answers = read_reflections(reflections_file(learner, module))
        assert list(answers) == [f"{n}. {q}" for n, q in enumerate(module.reflect, 1)] + list(CPD_QUESTIONS)
    counts = {name: answered for name, answered, _, _ in reflections_answered(learner)}
    assert counts["1. The ladder"] == 3 and counts["2. Power imbalance"] == 0


def test_the_record_holds_the_learners_words_hours_and_modules_and_nothing_of_the_course_s_answers(
        learner: Path) -> None:
    entries = {e.module.name: e for e in cpd_entries(learner)}
    assert entries["1. The ladder"].completed and not entries["2. Power imbalance"].completed
    html_page, pdf = write_cpd("Sam Jones-O'Brien", learner, pdf=True, made="2026-12-03")
    page = html_page.read_text(encoding="utf-8")
    assert "Sam Jones-O&#39;Brien" in page and "self-declared" in page  # the name as text, escaped
    for words in (LEARNED, APPLY, STANDARD):
        assert words.replace("'", "&#39;") in page
    assert "not endorsed" in page
    secrets = secret_lines(ROOT)
    assert not [m for m in LEAK_MARKERS if m in page] and not [line for line in secrets if line in page]
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "Sam Jones-O'Brien" in text and "1. The ladder" in text and "5. Putting it into practice" in text
    hours = entries["1. The ladder"].hours
    assert f"Estimated learning time: {hours:g} hours" in text
    assert "NMC Code 2.1" in text and "self-declared" in text


def test_the_command_needs_a_name(learner: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--name", "  ", "--root", str(learner), "--no-pdf"]) == 2
    assert "Give your name" in capsys.readouterr().err
    assert main(["--name", "Sam", "--root", str(learner), "--no-pdf"]) == 0
    assert "cpd-record.html" in capsys.readouterr().out
