"""Notebooks: committed clean, and every course notebook runs top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from .conftest import ROOT, read_nb, tracked_notebooks

COURSE = sorted((ROOT / "course").glob("*.ipynb"))


@pytest.mark.parametrize("path", tracked_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_committed_without_outputs(path: Path) -> None:
    nb = read_nb(path)
    nbformat.validate(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name} cell {index} has outputs: clear them before committing"
            assert cell.execution_count is None, f"{path.name} cell {index} has an execution count"


def test_course_notebooks_are_numbered_modules() -> None:
    assert COURSE, "no course notebooks found"
    for path in COURSE:
        assert path.name[:3].rstrip("-").isdigit(), path.name


@pytest.mark.slow
@pytest.mark.parametrize("path", COURSE, ids=lambda p: p.name)
def test_course_notebook_runs_top_to_bottom(site: Path, path: Path) -> None:
    """Every course notebook as the book's build ran it, from scratch: every
    code cell ran, none failed. (The build itself fails on a cell's error or
    on anything written to standard error: see book/_config.yml.) Their live
    scenarios run in tests/test_widgets.py and in JupyterLab in
    tests/browser/test_learner_path.py."""
    executed = read_nb(site.parent / "jupyter_execute" / "course" / path.name)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert len(code) == sum(c.cell_type == "code" for c in read_nb(path).cells)
    assert all(c.execution_count for c in code), f"{path.name}: a cell did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors


def test_course_notebooks_read_like_chapters() -> None:
    for path in COURSE:
        text = "\n".join(c.source for c in read_nb(path).cells if c.cell_type == "markdown")
        assert "you will learn" in text.lower(), f"{path.name} has no 'you will learn' list"
        assert "{cite:p}" in text, f"{path.name} cites nothing"
        assert "## Reflect" in text, f"{path.name} has no reflection prompts"
        assert "exercises/" in text, f"{path.name} does not point to its exercise"


def test_live_widgets_are_removed_from_the_book() -> None:
    for path in COURSE:
        for cell in read_nb(path).cells:
            if cell.cell_type == "code" and "_explorer(" in cell.source:
                assert "remove-cell" in cell.metadata.get("tags", []), (
                    f"{path.name}: a live scenario must carry the remove-cell tag"
                )
