"""Notebooks: committed clean, and every course notebook runs top to bottom."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

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
def test_course_notebook_runs_top_to_bottom(path: Path) -> None:
    nb = read_nb(path)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    streams = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream" and o.name == "stderr"]
    assert not any("Traceback" in s or "Warning" in s for s in streams), streams


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
