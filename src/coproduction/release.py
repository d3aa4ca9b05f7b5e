"""Regenerate ``exercises/`` from ``solutions/`` with nbgrader.

``python -m coproduction.release`` (what ``make release`` runs) writes the
core track's keys from ``solutions/questions/`` and calls
``nbgrader generate_assignment`` for every assignment in ``solutions/``, so
the learners' copies always come from the instructor notebooks and never
by hand. Each released notebook's cells are then marked for the learner's
JupyterLab (:func:`mark_cells`): which part an answer cell answers and
its options (for the answer form), which part a check checks, and which
cells a learner need not read (shown collapsed, a click away).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from coproduction.nbgrader_tools import assignments, nbgrader, repo_root

__all__ = ["release", "mark_cells"]


def release(root: Path | None = None) -> list[Path]:
    """Regenerate every exercise's core-track key (see
    :mod:`coproduction.questions`) and every assignment's learner notebook;
    return their paths."""
    from coproduction.exercise.authoring import write_keys

    root = root or repo_root()
    made = write_keys(root)
    nbgrader("generate_assignment", "*", "--force", cwd=root)  # every assignment in one run of nbgrader
    for name in assignments(root):
        for path in sorted((root / "exercises" / name).glob("*.ipynb")):
            mark_cells(path, name)
            made.append(path)
    return made


def mark_cells(path: Path, exercise: str) -> None:
    """Mark the cells of the released notebook at ``path`` (see the module's
    docstring). Only cell metadata changes, which nbgrader's checksums leave out."""
    import nbformat

    from coproduction.exercise.key import core_part, load_key
    from coproduction.exercise.notebook import is_going_further
    
    key = load_key(exercise)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        name = "example" if grade_id in ("", "example_check") else core_part(grade_id, key)
        if is_going_further(grade_id) or name not in key["parts"]:
            name = None
        marks: dict[str, Any] = {}
        if name and (meta.get("solution") or (not meta and cell.source.lstrip().startswith(f"{name} ="))):
            entry = key["parts"][name]
            marks = {"part": name, "kind": entry["kind"], "options": entry["options"], "title": entry["title"]}
        elif name and meta.get("locked") and "check(" in cell.source:
            marks = {"check": name}
        elif grade_id == "check_my_work":
            marks = {"check_my_work": True}
        if marks:
            cell.metadata["coproduction"] = marks
        if grade_id in ("setup", "check_my_work") or marks:
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True  # a click shows it
    nbformat.write(nb, path)


def main() -> None:
    for path in release():
        print(f"released {path}")


if __name__ == "__main__":
    main()
