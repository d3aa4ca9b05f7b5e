"""My progress (issue 18, part 2): the page shows exactly which parts pass,
as the checks find them in the learner's saved notebooks, never a value
typed into the test."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from coproduction.learner import own_copy
from coproduction.modules import exercises
from coproduction.progress import course_progress, exercise_progress, main, progress_page

from .submissions.cohort import ASSIGNMENTS, learner_folder

#: Which simulated learner's work is in each of the learner's copies.
WORK = {"ladder": "partly-wrong", "power": "solution", "investment": "blank", "evidence": "core-only"}


@pytest.fixture(scope="module")
def learner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A learner's course folder: four exercises worked on, practice never copied."""
    root = learner_folder(tmp_path_factory.mktemp("learner") / "course", WORK)
    own_copy(root, "practice").unlink()
    return root


def _title(grade_id: str) -> str:
    number = grade_id.split("_")[0][1:]
    return f"Part {number}" if grade_id.startswith("q") else f"A{number}"


@pytest.mark.parametrize("name", sorted(WORK))
def test_each_part_shows_what_its_check_finds_in_the_saved_notebook(learner: Path, name: str) -> None:
    spec = ASSIGNMENTS[name].learners[WORK[name]]
    found = exercise_progress(learner, name)
    assert found.present and found.report is not None
    passing = {row.title for row in found.report.rows if row.state == "right"}
    assert passing == {_title(g) for g in spec.passes}, f"{name} ({WORK[name]})"
    core = sum(1 for g in spec.passes if g.startswith("q"))
    assert found.core == (core, 5)
    if spec.written:
        written = ASSIGNMENTS[name].written
        assert [words for _, words in found.written] == [len(written[g].split()) for g in sorted(written)], \
            "words as the learner wrote them"
    else:
        assert all(words == 0 for _, words in found.written)


def test_the_page_adds_it_up_says_what_is_next_and_that_nothing_leaves_the_machine(learner: Path) -> None:
    progress = course_progress(learner)
    assert [p.exercise for p in progress] == list(exercises())
    page = progress_page(progress)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "Nothing on this page is sent anywhere" in text
    assert "Not started: there is no copy of this exercise" in text  # practice
    core = sum(p.core[0] for p in progress)
    written = sum(1 for p in progress for _, words in p.written if words)
    total = sum(p.core[1] + len(p.written) for p in progress)
    assert f"Overall: {core + written} of {total} steps done" in text
    assert 'role="progressbar"' in page and f'aria-valuenow="{round(100 * (core + written) / total)}"' in page
    assert "Next: Carry on with 1. The ladder" in text, "the first module not yet complete comes next"
    assert "BEGIN SOLUTION" not in page and "HIDDEN TESTS" not in page


def test_the_command_writes_the_page_into_the_learners_folder(learner: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(learner)]) == 0
    page = learner / "my-work" / "my-progress.html"
    assert page.is_file() and str(page) in capsys.readouterr().out


def test_a_core_track_learners_page_needs_no_analysts_libraries(tmp_path: Path) -> None:
    """Plain answers are checked as plain values: the page is quick to make from a fresh start."""
    import subprocess
    import sys

    root = learner_folder(tmp_path / "course", {name: "core-only" for name in ASSIGNMENTS})
    probe = ("import sys\nfrom coproduction.progress import main\nmain(['--root', %r])\n"
             "print('HEAVY', sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))\n") % str(root)
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stdout
    page = (root / "my-work" / "my-progress.html").read_text(encoding="utf-8")
    assert page.count("Core track: <strong>5 of 5</strong>") == len(ASSIGNMENTS)
