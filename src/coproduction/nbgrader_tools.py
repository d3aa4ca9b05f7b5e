"""The project's plumbing around nbgrader, in one place.

:func:`nbgrader` is the one way the project runs an nbgrader command: it puts
this Python's scripts on ``PATH`` (nbgrader shells out to ``alembic``) and
reports a failure with nbgrader's own output. :func:`repo_root` and
:func:`assignments` find the course and its exercises as nbgrader sees them
(``solutions/`` is nbgrader's source folder). :data:`LEAK_MARKERS` and
:func:`secret_lines` say what only instructor notebooks hold, so that the
release, the feedback pages and the book can each prove none of it leaked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

__all__ = ["NbgraderError", "assignments", "nbgrader", "repo_root", "LEAK_MARKERS", "secret_lines"]

#: Text that only instructor notebooks contain.
LEAK_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "Model answer and mark scheme")


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its output."""


def repo_root() -> Path:
    """The course repository: the folder holding ``nbgrader_config.py``."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "solutions").is_dir():
            return folder
    return Path(__file__).resolve().parents[2]


def assignments(root: Path | None = None) -> list[str]:
    """Assignment names: the folders of ``solutions/`` holding a notebook."""
    source = (root or repo_root()) / "solutions"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def nbgrader(*args: str, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in ``cwd`` with this environment's tools on PATH."""
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    if check and proc.returncode != 0:
        raise NbgraderError(
            f"nbgrader {' '.join(args)} failed (exit {proc.returncode}) in {cwd}:\n{proc.stdout}{proc.stderr}"
        )
    return proc


def secret_lines(root: Path | None = None, solutions: bool = True) -> set[str]:
    """Long lines of every solution, hidden test and model answer that do not
    also appear in the public part of an instructor notebook: none of them may
    appear in anything a learner or the public sees. With ``solutions=False``,
    only hidden tests and model answers (a learner's own correct code may
    match a solution line)."""
    import nbformat

    secret, public = set(), set()
    for source in ((root or repo_root()) / "solutions").rglob("*.ipynb"):
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "markdown" and meta.get("solution"):
                hidden, shown = [cell.source], ""
            else:
                kinds = "SOLUTION|HIDDEN TESTS" if solutions else "HIDDEN TESTS"
                pattern = rf"### BEGIN (?:{kinds})(.*?)### END[^\n]*"
                hidden = re.findall(pattern, cell.source, re.S)
                shown = re.sub(pattern, "", cell.source, flags=re.S)
            secret |= {line.strip() for chunk in hidden for line in chunk.splitlines() if len(line.strip()) > 25}
            public |= {line.strip() for line in shown.splitlines()}
    return secret - public
