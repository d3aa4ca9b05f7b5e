"""Shared fixtures: the repository, temporary course copies, notebook helpers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The web book built from scratch (empty execution cache), once a session."""
    from coproduction.book import build, html_dir

    output = tmp_path_factory.mktemp("book")
    build(ROOT, output=output)
    return html_dir(output)


def copy_course(dest: Path) -> Path:
    """A throwaway course directory nbgrader can write learner data into."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("solutions", "exercises", "datasets"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    return dest


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def read_nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tracked_notebooks() -> list[Path]:
    """Every notebook the repository ships (course, solutions, exercises)."""
    return sorted(
        p for folder in ("course", "solutions", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def grade_ids(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """nbgrader metadata of each graded or answer cell, by grade_id."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in nb.cells
        if "nbgrader" in c.metadata and "grade_id" in c.metadata["nbgrader"]
    }


def as_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
