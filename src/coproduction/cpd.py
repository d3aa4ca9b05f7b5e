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
import html
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from coproduction.learner import (CPD_QUESTIONS, WORK_FOLDER, course_root, own_copy, read_reflections,
                                  reflections_file, released)
from coproduction.modules import Module, course_modules
from coproduction.printing import PrintError, print_pdf
from coproduction.progress import ExerciseProgress, exercise_progress
from coproduction.printing import PAGE_POLICY

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


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(' '.join(block.split()))}</p>" for block in text.split("\n\n") if block.strip())


def cpd_page(name: str, entries: list[Entry], made: str) -> str:
    """The record as an accessible, printable HTML page."""
    done = [e for e in entries if e.completed or (not e.module.exercise and e.reflections)]
    hours = round(sum(e.hours for e in done), 1)
    rows = []
    for entry in entries:
        if entry.progress is not None and entry.progress.present:
            passed, total = entry.progress.core
            further, further_total = entry.progress.further
            parts = f"core track {passed} of {total}" + (f"; going further {further} of {further_total}"
                                                         if further else "")
        else:
            parts = "no exercise" if not entry.module.exercise else "not started"
        status = f"completed {entry.completed}" if entry.completed else (
            "read" if not entry.module.exercise and entry.reflections else "not completed")
        rows.append(f"<tr><th scope=\"row\">{html.escape(entry.module.name)}</th><td>{status}</td>"
                    f"<td>{entry.hours:g}</td><td>{parts}</td></tr>")
    reflections = []
    for entry in entries:
        if not entry.reflections:
            continue
        own = [(h, t) for h, t in entry.reflections.items() if h in CPD_QUESTIONS]
        prompts = [(h, t) for h, t in entry.reflections.items() if h not in CPD_QUESTIONS]
        blocks = "".join(f"<h4>{html.escape(h)}</h4>{_paragraphs(t)}" for h, t in own + prompts)
        reflections.append(f"<section><h3>{html.escape(entry.module.name)}</h3>{blocks}</section>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{PAGE_POLICY}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CPD record: {html.escape(name)}: {COURSE_TITLE}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5;
        color: #111; }}
table {{ border-collapse: collapse; margin: .5rem 0 1rem; }}
td, th {{ border: 1px solid #999; padding: .2rem .6rem; text-align: left; vertical-align: top; }}
.note {{ border-left: 4px solid #0072b2; padding: .2rem .8rem; background: #f2f8fc; }}
@page {{ size: A4; margin: 15mm; }}
@media print {{ body {{ margin: 0; max-width: none; }} .note {{ background: none; }} section {{ break-inside: avoid; }} }}
</style></head>
<body><main>
<h1>Record of continuing professional development</h1>
<p><strong>Name:</strong> {html.escape(name)}<br>
<strong>Activity:</strong> {COURSE_TITLE}, an open self-study course on co-producing health, social care and public
services with the people who use them, as equal partners (reading, interactive scenarios and exercises).<br>
<strong>Estimated learning time:</strong> {hours:g} hours over the modules completed (the course's own estimates,
not a record of time spent).<br>
<strong>Record made:</strong> {html.escape(made)}</p>
<p class="note">This record is <strong>self-declared</strong>: it is made on the learner's own machine from their
own work and has not been checked by a trainer. It can support a CPD log or revalidation (for example the
participatory and reflective accounts the NMC and Social Work England ask for), but the course is not endorsed
or accredited by the NMC, Social Work England, the HCPC or any other regulator.</p>
<h2>Modules</h2>
<table><thead><tr><th scope="col">module</th><th scope="col">status</th><th scope="col">estimated hours</th>
<th scope="col">automatically checked parts passed</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
<h2>Reflective account, in my own words</h2>
{''.join(reflections) or '<p>No reflections written yet: write them in <code>my-work/reflections/</code>.</p>'}
</main></body></html>
"""


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
