"""Regenerate ``exercises/`` from ``solutions/`` with nbgrader.

``python -m coproduction.release`` (what ``make release`` runs) writes the
core track's keys from ``solutions/questions/`` and calls
``nbgrader generate_assignment`` for every assignment in ``solutions/``, so
the learners' copies always come from the instructor notebooks and never
by hand.
"""

from __future__ import annotations

from pathlib import Path

from coproduction.nbgrader_tools import assignments, nbgrader, repo_root

__all__ = ["release"]


def release(root: Path | None = None) -> list[Path]:
    """Regenerate every exercise's core-track key (see
    :mod:`coproduction.questions`) and every assignment's learner notebook;
    return their paths."""
    from coproduction.questions import write_keys

    root = root or repo_root()
    made = write_keys(root)
    nbgrader("generate_assignment", "*", "--force", cwd=root)  # every assignment in one run of nbgrader
    for name in assignments(root):
        made.extend(sorted((root / "exercises" / name).glob("*.ipynb")))
    return made


def main() -> None:
    for path in release():
        print(f"released {path}")


if __name__ == "__main__":
    main()
