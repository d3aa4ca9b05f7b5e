"""The trainer's commands log through standard logging: plain on screen at
the level asked for, everything with its time in the workspace's logs/, and
nothing a learner wrote acted on by a terminal."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Iterator

import pytest

from coproduction.cli import build_parser
from coproduction.cohort.log import MAX_MESSAGE, configure, logger, unconfigure


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    yield
    unconfigure()
    assert not logging.getLogger("coproduction").handlers


def _say_everything() -> None:
    log = logger("coproduction.cohort.grade")
    log.debug("a detail")
    log.info("a step")
    log.warning("a warning")


@pytest.mark.parametrize("verbosity, shown", [(-1, ["a warning"]), (0, ["a step", "a warning"]),
                                              (1, ["a detail", "a step", "a warning"])])
def test_the_screen_shows_what_the_trainer_asked_for_and_the_file_everything(
        tmp_path: Path, verbosity: int, shown: list[str]) -> None:
    screen = io.StringIO()
    path = configure(verbosity, tmp_path, "autograde", stream=screen)
    _say_everything()
    assert screen.getvalue().splitlines() == shown
    assert path is not None and path.parent == tmp_path / "logs" and path.name.endswith("-autograde.log")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == ["a detail", "a step", "a warning"]
    assert all(" coproduction.cohort.grade: " in line and line[:4].isdigit() for line in lines), lines
    assert [line.split()[2] for line in lines] == ["DEBUG", "INFO", "WARNING"]


def test_a_learners_text_is_inert_and_cut_in_the_log(tmp_path: Path) -> None:
    screen = io.StringIO()
    path = configure(0, tmp_path, "feedback", stream=screen)
    hostile = "x\x1b[2J\x1b]0;owned\x07\r\u202egnp.exe" + "y" * (MAX_MESSAGE * 2)
    logger("coproduction.cohort.feedback").warning("No feedback written for A1/ladder: %s", hostile)
    for text in (screen.getvalue(), path.read_text(encoding="utf-8")):
        assert "\x1b" not in text and "\x07" not in text and "\r" not in text and "\u202e" not in text
        assert "\\x1b[2J" in text and "\\u202e" in text
        assert "more characters not shown" in text and len(text) < MAX_MESSAGE + 200


def test_a_traceback_in_the_log_is_inert_too(tmp_path: Path) -> None:
    path = configure(0, tmp_path, "autograde", stream=io.StringIO())
    try:
        raise ValueError("from a notebook: \x1b]0;owned\x07")
    except ValueError:
        logger("coproduction.cohort.grade").exception("a submission could not be read")
    text = path.read_text(encoding="utf-8")
    assert "Traceback" in text and "\\x1b]0;owned\\x07" in text and "\x1b" not in text and "\x07" not in text


def test_no_workspace_no_file_and_a_second_configure_replaces_the_first(tmp_path: Path) -> None:
    assert configure(0, tmp_path / "missing", "cohort-create", stream=io.StringIO()) is None
    first, second = io.StringIO(), io.StringIO()
    configure(0, None, stream=first)
    configure(0, None, stream=second)
    _say_everything()
    assert not first.getvalue() and second.getvalue().splitlines() == ["a step", "a warning"]


def test_every_command_takes_verbose_and_quiet() -> None:
    parser = build_parser()
    for argv in (["status", "w"], ["autograde", "w"], ["feedback", "w"], ["cohort", "create", "w", "--roster", "r"]):
        assert parser.parse_args(argv).verbosity == 0
        assert parser.parse_args([*argv, "--verbose"]).verbosity == 1
        assert parser.parse_args([*argv, "-q"]).verbosity == -1
    with pytest.raises(SystemExit):
        parser.parse_args(["status", "w", "-v", "-q"])
