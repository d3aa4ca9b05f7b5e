"""A learner's record of continuing professional development (CPD).

Made from the learner's own work: the modules whose exercise's core track
passes (checked as the progress page checks it), the date the exercise was
last saved, the course's estimated hours, the parts passed, and the
learner's own reflections in their words (what they learned, how they will
apply it, which standard of their profession it relates to). It has what
NMC revalidation and Social Work England ask a CPD record to hold (the
activity, the time, a reflective account), says that it is self-declared,
and claims no endorsement by any regulator. An HTML page with a print
stylesheet, and a PDF printed from it.

Usage: ``python -m coproduction.cpd --name "Your Name"`` (``make cpd NAME="Your Name"``).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from coproduction.learner import (CPD_QUESTIONS, WORK_FOLDER, course_root, own_copy, read_reflections,
                                  reflections_file, released)
from coproduction.modules import Module, course_modules
from coproduction.pages import render
from coproduction.printing import PrintError, print_pdf
from coproduction.progress import ExerciseProgress, exercise_progress

__all__ = ["Entry", "cpd_entries", "cpd_page", "write_cpd", "main", "COURSE_TITLE"]

COURSE_TITLE = "Co-production in Practice"


@dataclass
class Entry:
    """One module in the record."""

    module: Module
    hours: float
    completed: str  # ISO date the exercise was last saved with its core track passing; "" if not complete
    progress: ExerciseProgress | None
    reflections: dict[str, str] = field(default_factory=dict)  # heading -> the learner's words (answered only)


def cpd_entries(root: Path) -> list[Entry]:
    entries = []
    for module in course_modules(root):
        minutes = module.total_minutes(released(root, module.exercise) if module.exercise else None)
        progress = None
        completed = ""
        if module.exercise:
            progress = exercise_progress(root, module.exercise, module.name)
            passed, total = progress.core
            if progress.present and total and passed == total:
                saved = own_copy(root, module.exercise).stat().st_mtime
                completed = date.fromtimestamp(saved).isoformat()
        answered = {h: text for h, text in read_reflections(reflections_file(root, module)).items() if text}
        entries.append(Entry(module, round(minutes / 60, 1), completed, progress, answered))
    return entries


def _paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def _parts(entry: Entry) -> str:
    if entry.progress is None or not entry.progress.present:
        return "no exercise" if not entry.module.exercise else "not started"
    passed, total = entry.progress.core
    further, further_total = entry.progress.further
    return f"core track {passed} of {total}" + (f"; going further {further} of {further_total}" if further else "")


def _status(entry: Entry) -> str:
    if entry.completed:
        return f"completed {entry.completed}"
    return "read" if not entry.module.exercise and entry.reflections else "not completed"


def cpd_page(name: str, entries: list[Entry], made: str) -> str:
    """The record as an accessible, printable HTML page."""
    done = [e for e in entries if e.completed or (not e.module.exercise and e.reflections)]
    modules = [{"name": e.module.name, "status": _status(e), "hours": e.hours, "parts": _parts(e)} for e in entries]
    reflections = []
    for entry in entries:
        if entry.reflections:
            own = [(h, t) for h, t in entry.reflections.items() if h in CPD_QUESTIONS]
            prompts = [(h, t) for h, t in entry.reflections.items() if h not in CPD_QUESTIONS]
            reflections.append({"module": entry.module.name,
                                "answers": [(h, _paragraphs(t)) for h, t in own + prompts]})
    return render("cpd.html.j2", name=name, course=COURSE_TITLE, hours=round(sum(e.hours for e in done), 1),
                  made=made, modules=modules, reflections=reflections, folder=WORK_FOLDER)


def write_cpd(name: str, root: Path | None = None, pdf: bool = True, made: str | None = None) -> list[Path]:
    """Write ``my-work/cpd-record.html`` (and ``.pdf``); return the files written."""
    if not name.strip():
        raise ValueError("Give your name as you want it on the record, e.g. --name \"Sam Jones\".")
    root = root or course_root()
    out = root / WORK_FOLDER / "cpd-record.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    made = made or datetime.now().strftime("%Y-%m-%d")
    out.write_text(cpd_page(name.strip(), cpd_entries(root), made), encoding="utf-8")
    written = [out]
    if pdf:
        written.append(print_pdf(out, out.with_suffix(".pdf")))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coproduction.cpd",
                                     description="Write your CPD record (HTML and PDF) from your own work.")
    parser.add_argument("--name", required=True, help="your name as you want it on the record")
    parser.add_argument("--root", type=Path, default=None, help="the course folder (default: the one you are in)")
    parser.add_argument("--no-pdf", action="store_true", help="the HTML page only (no Chromium needed)")
    args = parser.parse_args(argv)
    try:
        written = write_cpd(args.name, args.root, pdf=not args.no_pdf)
    except (ValueError, PrintError) as err:
        print(err, file=sys.stderr)
        return 2
    print("Your CPD record: " + " and ".join(str(p) for p in written) + ". It stays on your machine.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
