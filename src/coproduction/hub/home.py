"""A learner's home on the hub: their own copy of the course.

Each learner's server opens in ``~/coproduction-course``, laid out as the
repository is for ``make lab``: the modules (``course/``), the released
exercises and the datasets, copied once and then the learner's own, and
``my-work/`` for their work, and a ``Makefile`` with the learner's own
commands (``make progress``, ``make cpd``, ``make start-again``, from
``scripts/learner.mk``). nbgrader's Assignments panel fetches each
exercise into ``my-work/<exercise>/``, the same place ``make lab`` puts the
learner's copy, so the progress page, starting again and the CPD record
work on the hub as on a laptop. ``~/.jupyter/nbgrader_config.py`` points
the panel at the hub's exchange.

The hub calls :func:`prepare_home` before it starts a learner's server (a
container image runs ``python -m coproduction.hub.home`` at start instead).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from coproduction.cohort.workspace import COURSE_ID
from coproduction.learner import WORK_FOLDER, set_up

__all__ = ["COURSE_FOLDER", "COPIED", "prepare_home", "main"]

#: The learner's course folder in their home, where their server opens.
COURSE_FOLDER = "coproduction-course"
#: What each learner gets a copy of.
COPIED = ("course", "exercises", "datasets")


def prepare_home(course: Path, home: Path, exchange: Path, learner: str) -> Path:
    """Give ``learner`` (their hub user name, which is their roster id) their
    copy of ``course`` at ``home`` (once: what is there is theirs and is never
    overwritten) and point nbgrader at ``exchange``. Returns the learner's
    course folder."""
    folder = home / COURSE_FOLDER
    for name in COPIED:
        if not (folder / name).exists():
            shutil.copytree(course / name, folder / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    # The learner's commands (make progress, make cpd, make start-again), as on a laptop.
    shutil.copyfile(course / "scripts" / "learner.mk", folder / "Makefile")
    work = folder / WORK_FOLDER
    work.mkdir(parents=True, exist_ok=True)
    config = home / ".jupyter" / "nbgrader_config.py"  # the learner's own Jupyter settings, where nbgrader looks
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '"""The hub\'s exchange: the Assignments panel fetches into my-work/ and submits from there."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        # Submissions are named after the hub user, whatever account the server runs as.
        f"c.CourseDirectory.student_id = {learner!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        f"c.Exchange.assignment_dir = {str(work)!r}\n", encoding="utf-8")
    set_up(folder, exercises=False)  # the reflections pages; exercises come from the exchange
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coproduction.hub.home",
                                     description="Give a learner on the hub their own copy of the course.")
    parser.add_argument("--course", type=Path, required=True, help="the course repository (read only)")
    parser.add_argument("--home", type=Path, default=Path.home(), help="the learner's home (default: yours)")
    parser.add_argument("--exchange", type=Path, required=True, help="nbgrader's exchange folder on the hub")
    parser.add_argument("--learner", default=os.environ.get("JUPYTERHUB_USER"),
                        help="the learner's hub user name (default: $JUPYTERHUB_USER)")
    args = parser.parse_args(argv)
    if not args.learner:
        parser.error("say whose home this is: --learner NAME (or run it in the learner's server)")
    print(prepare_home(args.course, args.home, args.exchange, args.learner))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
