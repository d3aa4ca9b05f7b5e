"""The ``coproduction`` command: run a cohort from the command line.

Every subcommand has ``--help``. A typical run::

    coproduction cohort create ~/cohorts/spring --roster roster.csv
    coproduction collect ~/cohorts/spring ladder ~/Downloads/ladder-submissions.zip
    coproduction autograde ~/cohorts/spring
    coproduction feedback ~/cohorts/spring
    coproduction report ~/cohorts/spring
    coproduction export ~/cohorts/spring --pseudonymise
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

__all__ = ["main", "build_parser"]

EXAMPLES = __doc__.split("::", 1)[1]


def _workspace(path: str):  # -> Workspace (imported lazily: --help stays fast)
    from coproduction.cohort.workspace import Workspace

    return Workspace(Path(path))


def _create(args: argparse.Namespace) -> int:
    from coproduction.cohort.collect import create_cohort
    from coproduction.release import repo_root

    course = Path(args.course).resolve() if args.course else repo_root()
    ws = create_cohort(Path(args.workspace), Path(args.roster), course, args.db)
    print(f"Created cohort workspace {ws.root} for {len(ws.learners())} learners and assignments "
          f"{', '.join(ws.assignments)}.\nIt holds learner data: keep it out of git (it ignores itself).")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from coproduction.cohort.collect import collect

    ws = _workspace(args.workspace)
    found = collect(ws, args.assignment, Path(args.source))
    print(f"Collected {len(found.filed)} notebook(s) for {args.assignment}.")
    for label, items in (("Could not match to a learner", found.unmatched),
                         ("Sent files but no notebook", [f"{k}: {', '.join(v)}" for k, v in found.no_notebook.items()]),
                         ("Nothing from", found.nothing)):
        if items:
            print(f"{label} ({len(items)}):")
            for item in items:
                print(f"  {item}")
    return 0


def _autograde(args: argparse.Namespace) -> int:
    from coproduction.cohort.grade import autograde
    from coproduction.cohort.report import status_table

    ws = _workspace(args.workspace)
    try:
        rows = autograde(ws, args.assignment or None, workers=args.workers, timeout=args.timeout,
                         total_timeout=args.total_timeout, max_output=args.max_output, sandbox=args.sandbox, force=args.force,
                         progress=None if args.quiet else sys.stderr)
    except KeyboardInterrupt:
        graded = [r for r in ws.statuses() if r.status != "collected"]
        print(f"\nInterrupted. Every grade recorded so far is kept ({len(graded)} submissions); "
              "run the same command again to grade the rest.", file=sys.stderr)
        return 130
    if rows:
        print(status_table(rows))
    return 0


def _status(args: argparse.Namespace) -> int:
    from coproduction.cohort.report import status_table

    ws = _workspace(args.workspace)
    print(status_table(ws.statuses(args.assignment or None)))
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from coproduction.cohort.feedback import write_feedback

    ws = _workspace(args.workspace)
    problems: list[str] = []
    written = write_feedback(ws, args.assignment or None, log=problems.append)
    print(f"Wrote {len(written)} feedback file(s) under {ws.root / 'feedback'}.")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    from coproduction.cohort.export import export_grades

    ws = _workspace(args.workspace)
    out = Path(args.output) if args.output else ws.root / "reports" / (
        "grades-pseudonymised.csv" if args.pseudonymise else "grades.csv")
    export_grades(ws, out, pseudonymise=args.pseudonymise)
    print(f"Wrote {out}.")
    return 0


def _report(args: argparse.Namespace) -> int:
    from coproduction.cohort.report import write_report

    ws = _workspace(args.workspace)
    out = Path(args.output) if args.output else ws.root / "reports" / "cohort-report.html"
    write_report(ws, out)
    print(f"Wrote {out}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coproduction", description="Run a cohort of Co-production in Practice: create, collect, "
        "autograde, feedback, report and export.", epilog="Example:" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run)
        return sub

    cohort = commands.add_parser("cohort", help="create a cohort workspace", description="Create a cohort.")
    cohort_commands = cohort.add_subparsers(dest="cohort_command", required=True, metavar="COMMAND")
    create = cohort_commands.add_parser(
        "create", help="create a workspace from a roster CSV",
        description="Create a cohort workspace (a folder outside git) from a roster CSV with an 'id' column "
                    "(optionally first_name, last_name, email). Every problem in the roster is reported at once.")
    create.set_defaults(run=_create)
    create.add_argument("workspace", help="folder to create (outside the repository, or under cohorts/)")
    create.add_argument("--roster", required=True, help="CSV with an 'id' column")
    create.add_argument("--course", help="the course repository (default: the one this command runs in)")
    create.add_argument("--db", help="gradebook SQLAlchemy URL (default: SQLite in the workspace), "
                                     "e.g. postgresql://user@host/gradebook")

    sub = command("collect", "file submissions from an LMS zip download or a folder", _collect)
    sub.add_argument("workspace")
    sub.add_argument("assignment", help="e.g. ladder")
    sub.add_argument("source", help="a zip file or a folder of learners' uploads")

    sub = command("autograde", "grade collected submissions in parallel, in a sandbox", _autograde)
    sub.add_argument("workspace")
    sub.add_argument("assignment", nargs="*", help="assignments to grade (default: all)")
    sub.add_argument("--workers", type=int, default=None, help="parallel workers (default: one per core)")
    sub.add_argument("--timeout", type=float, default=60.0,
                     help="seconds any one cell may run, as nbgrader's (default: 60)")
    sub.add_argument("--total-timeout", type=float, default=300.0,
                     help="seconds a whole notebook may run (default: 300)")
    sub.add_argument("--max-output", type=int, default=20_000,
                     help="characters of output kept per cell (default: 20000)")
    sub.add_argument("--sandbox", choices=("auto", "required", "off"), default="auto",
                     help="bubblewrap sandbox: auto (if available), required, or off (default: auto)")
    sub.add_argument("--force", action="store_true", help="grade again even what is already graded")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")

    sub = command("status", "show each submission's status, score and notes", _status)
    sub.add_argument("workspace")
    sub.add_argument("assignment", nargs="*")

    sub = command("feedback", "write learners' feedback (HTML, never with hidden tests)", _feedback)
    sub.add_argument("workspace")
    sub.add_argument("assignment", nargs="*")

    sub = command("export", "export grades as CSV: one row per learner", _export)
    sub.add_argument("workspace")
    sub.add_argument("--output", help="CSV path (default: reports/grades.csv in the workspace)")
    sub.add_argument("--pseudonymise", action="store_true",
                     help="replace learner ids with stable pseudonyms (a key kept in the workspace)")

    sub = command("report", "write the cohort report (HTML with figures)", _report)
    sub.add_argument("workspace")
    sub.add_argument("--output", help="HTML path (default: reports/cohort-report.html in the workspace)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # nbgrader runs alembic, which lives beside this Python.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    args = build_parser().parse_args(argv)
    from coproduction.cohort.sandbox import SandboxError
    from coproduction.cohort.workspace import CohortError
    from coproduction.release import ReleaseError

    try:
        return args.run(args)
    except (CohortError, ReleaseError, SandboxError) as err:
        print(f"coproduction {args.command}: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
