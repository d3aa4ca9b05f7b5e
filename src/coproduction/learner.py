"""A learner's own copies of the exercises, kept apart from the course's files.

The released exercises in ``exercises/`` belong to the course: a course
update (``git pull``, or a new release) rewrites them. A learner works in
``my-work/<exercise>/<exercise>.ipynb`` instead, a folder git ignores, the
way nbgrader's *fetch* gives each learner a copy. ``make lab`` makes any
copy that is missing (never touching one that exists) and, once, moves
answers a learner wrote into the course's own files in an older checkout
into their folder. Starting an exercise again keeps the old copy aside,
dated, and never deletes it. Each module's Reflect questions get a page in
``my-work/reflections/`` for the learner's answers, which their progress
page counts and their CPD record quotes.

Usage: ``python -m coproduction.learner set-up`` or
``python -m coproduction.learner start-again ladder``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from coproduction.modules import Module, course_modules
from coproduction.nbgrader_tools import repo_root

__all__ = ["WORK_FOLDER", "CPD_QUESTIONS", "reflections_file", "reflections_template", "read_reflections",
           "course_root", "exercise_names", "released", "own_copy", "set_up", "start_again", "main"]

#: The learner's folder, at the top of the course (git ignores it).
WORK_FOLDER = "my-work"


def exercise_names(root: Path) -> list[str]:
    """The released exercises: ``exercises/<name>/<name>.ipynb``."""
    return sorted(p.parent.name for p in (root / "exercises").glob("*/*.ipynb") if p.stem == p.parent.name)


def released(root: Path, name: str) -> Path:
    return root / "exercises" / name / f"{name}.ipynb"


def own_copy(root: Path, name: str) -> Path:
    return root / WORK_FOLDER / name / f"{name}.ipynb"


def _changed_in_git(root: Path, path: Path) -> bool:
    """Whether git knows ``path`` and it differs from the last commit (answers
    written into the course's own file); False where git cannot tell."""
    try:
        run = subprocess.run(["git", "-C", str(root), "diff", "--quiet", "--", str(path.relative_to(root))],
                             capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 1


def _restore_from_git(root: Path, path: Path) -> bool:
    try:
        run = subprocess.run(["git", "-C", str(root), "checkout", "--", str(path.relative_to(root))],
                             capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return run.returncode == 0


def course_root() -> Path:
    """The course a learner is in: the nearest folder, from here up, holding
    ``course/`` and ``exercises/`` (else the repository this package is in)."""
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "course").is_dir() and (folder / "exercises").is_dir():
            return folder
    return repo_root()


#: The questions every module's reflections end with: what a CPD record asks for.
CPD_QUESTIONS = ("What I learned", "How I will apply it in my practice",
                 "Which standard of my profession this relates to")
_REFLECTIONS_INTRO = """Write under each heading in your own words, as much or as little as you like,
then save (Ctrl+S). `make progress` counts what you have answered and `make cpd`
puts it in your CPD record. This file stays on your machine: nothing is sent anywhere.
"""


def reflections_file(root: Path, module: Module) -> Path:
    return root / WORK_FOLDER / "reflections" / f"{module.slug}.md"


def reflections_template(module: Module) -> str:
    """A module's reflections page before the learner writes in it."""
    headings = [f"{n}. {q}" for n, q in enumerate(module.reflect, start=1)] + list(CPD_QUESTIONS)
    return f"# My reflections: {module.name}\n\n{_REFLECTIONS_INTRO}\n" + "".join(f"## {h}\n\n\n" for h in headings)


def read_reflections(path: Path) -> dict[str, str]:
    """What the learner wrote under each heading of a reflections page ("" where nothing)."""
    if not path.is_file():
        return {}
    answers: dict[str, str] = {}
    heading = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            answers[heading] = ""
        elif heading is not None:
            answers[heading] += line + "\n"
    return {h: text.strip() for h, text in answers.items()}


def set_up(root: Path | None = None, exercises: bool = True) -> list[str]:
    """Give the learner a copy of every exercise that has none yet; return
    what was done, in plain words (nothing when every copy exists). On a hub
    (``exercises=False``) the learner fetches each exercise into the same
    folder from the Assignments panel instead."""
    root = root or course_root()
    said: list[str] = []
    made: list[str] = []
    for name in exercise_names(root) if exercises else []:
        target = own_copy(root, name)
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = released(root, name)
        shutil.copyfile(source, target)
        if _changed_in_git(root, source):
            restored = _restore_from_git(root, source)
            said.append(f"Your answers in exercises/{name}/{name}.ipynb are now in your own copy, "
                        f"{WORK_FOLDER}/{name}/{name}.ipynb"
                        + ("; the course's copy was put back as released." if restored else
                           "; the course's copy still holds them too."))
        else:
            made.append(name)
    if made:
        said.insert(0, f"Made your own copies of the exercises in {WORK_FOLDER}/ ({', '.join(made)}): work in "
                       "those. Course updates never touch them.")
    pages = 0
    for module in course_modules(root):
        page = reflections_file(root, module)
        if module.reflect and not page.exists():
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(reflections_template(module), encoding="utf-8")
            pages += 1
    if pages:
        said.append(f"Made a page for your reflections on each module in {WORK_FOLDER}/reflections/.")
    return said


def start_again(name: str, root: Path | None = None, now: datetime | None = None) -> Path | None:
    """Put a fresh copy of exercise ``name`` in the learner's folder, keeping
    the old one beside it with the date and time in its name. Returns where
    the old copy is now (None if there was none)."""
    root = root or course_root()
    if name not in exercise_names(root):
        raise ValueError(f"There is no exercise {name!r}; the exercises are {', '.join(exercise_names(root))}.")
    target = own_copy(root, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    aside = None
    if target.exists():
        stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
        aside = target.with_name(f"{name}-before-{stamp}.ipynb")
        number = 1
        while aside.exists():
            number += 1
            aside = target.with_name(f"{name}-before-{stamp}-{number}.ipynb")
        target.rename(aside)
    shutil.copyfile(released(root, name), target)
    return aside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coproduction.learner",
                                     description="Your own copies of the course's exercises, in my-work/.")
    parser.add_argument("--root", type=Path, default=None, help="the course folder (default: the one you are in)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("set-up", help="make your copy of any exercise that has none (make lab does this)")
    again = commands.add_parser("start-again", help="start an exercise again from its released version",
                                description="Start an exercise again: your current copy is kept beside it, "
                                            "dated, never deleted.")
    again.add_argument("exercise", help="e.g. ladder")
    args = parser.parse_args(argv)
    root = (args.root or course_root()).resolve()
    if args.command == "set-up":
        for line in set_up(root):
            print(line)
        return 0
    try:
        aside = start_again(args.exercise, root)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    where = f"{WORK_FOLDER}/{args.exercise}/{args.exercise}.ipynb"
    print(f"{where} is a fresh copy." + (f" Your previous work is kept in {aside.relative_to(root)}."
                                          if aside else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
