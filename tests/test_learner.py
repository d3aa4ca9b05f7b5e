"""A learner's own copies of the exercises (issue 18): made once, never
touched by course updates, started again without losing anything, and
answers from an older checkout moved in once."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from coproduction.learner import exercise_names, main, own_copy, released, set_up, start_again

from .conftest import ROOT


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A course checkout under git, as a learner clones it."""
    root = tmp_path / "course-checkout"
    root.mkdir()
    for name in ("course", "exercises"):
        shutil.copytree(ROOT / name, root / name)
    (root / ".gitignore").write_text("my-work/\n", encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "-c", "user.name=Course", "-c", "user.email=course@example.org", "add", ".")
    _git(root, "-c", "user.name=Course", "-c", "user.email=course@example.org", "commit", "-q", "-m", "release")
    return root


def _answer(path: Path, value: str) -> None:
    """Type an answer into part 1, as a learner does in JupyterLab, and save."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "q1_answer")
    cell["source"] = [value]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def test_first_set_up_copies_every_exercise_and_the_next_changes_nothing(checkout: Path) -> None:
    said = set_up(checkout)
    assert len(said) == 2 and "my-work/" in said[0] and "my-work/reflections/" in said[1]
    for name in exercise_names(checkout):
        assert own_copy(checkout, name).read_bytes() == released(checkout, name).read_bytes()
    _answer(own_copy(checkout, "ladder"), 'q1_type = "Educate"')
    assert set_up(checkout) == [], "nothing to say, nothing touched"
    assert 'q1_type = \\"Educate\\"' in own_copy(checkout, "ladder").read_text(encoding="utf-8")
    status = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "", "the learner's work is out of git's view"


def test_a_course_update_never_touches_the_learners_work(checkout: Path) -> None:
    set_up(checkout)
    _answer(own_copy(checkout, "ladder"), 'q1_type = "Educate"')
    mine = own_copy(checkout, "ladder").read_bytes()
    update = released(checkout, "ladder")
    update.write_text(update.read_text(encoding="utf-8").replace("Exercise 1", "Exercise 1 (updated)"),
                      encoding="utf-8")
    _git(checkout, "-c", "user.name=Course", "-c", "user.email=course@example.org", "commit", "-q", "-am", "update")
    assert set_up(checkout) == []
    assert own_copy(checkout, "ladder").read_bytes() == mine


def test_starting_again_keeps_the_old_copy_dated(checkout: Path) -> None:
    set_up(checkout)
    _answer(own_copy(checkout, "power"), 'q1_who = "staff"')
    mine = own_copy(checkout, "power").read_bytes()
    aside = start_again("power", checkout, now=datetime(2026, 12, 3, 14, 30, 0))
    assert aside is not None and aside.name == "power-before-2026-12-03-143000.ipynb"
    assert aside.read_bytes() == mine
    assert own_copy(checkout, "power").read_bytes() == released(checkout, "power").read_bytes()
    again = start_again("power", checkout, now=datetime(2026, 12, 3, 14, 30, 0))
    assert again is not None and again != aside and aside.exists(), "nothing is ever overwritten"
    with pytest.raises(ValueError, match="There is no exercise 'ladders'"):
        start_again("ladders", checkout)


def test_answers_in_an_older_checkouts_own_files_move_to_the_learners_folder_once(checkout: Path) -> None:
    tracked = released(checkout, "evidence")
    _answer(tracked, "q1_can = \"tell us\"")  # an older version of the course had learners work here
    said = set_up(checkout)
    assert any("exercises/evidence/evidence.ipynb are now in your own copy" in line for line in said), said
    assert "tell us" in own_copy(checkout, "evidence").read_text(encoding="utf-8")
    status = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "", "the course's file is back as released, so git pull cannot collide"
    assert set_up(checkout) == [], "moved once"


def test_the_command_says_what_it_did(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(checkout), "set-up"]) == 0
    assert "Made your own copies" in capsys.readouterr().out
    assert main(["--root", str(checkout), "start-again", "ladder"]) == 0
    assert "Your previous work is kept in my-work/ladder/ladder-before-" in capsys.readouterr().out
    assert main(["--root", str(checkout), "start-again", "nope"]) == 2
    assert "There is no exercise" in capsys.readouterr().err


def test_the_modules_say_their_number_title_time_and_exercise_once() -> None:
    from coproduction.modules import course_modules, exercises

    modules = course_modules(ROOT)
    assert [m.number for m in modules] == list(range(len(modules)))
    assert [m.exercise for m in modules if m.exercise] == list(exercises()) and modules[0].exercise is None
    assert modules[1].name == "1. The ladder" and all(m.minutes >= 20 for m in modules)
