"""The ``coproduction`` command: run a cohort from the command line.

Every subcommand has ``--help``. A typical run::

    coproduction cohort create ~/cohorts/spring --roster roster.csv
    coproduction collect ~/cohorts/spring ladder ~/Downloads/ladder-submissions.zip
    coproduction collect ~/cohorts/spring ladder   # on a hub: from nbgrader's exchange
    coproduction autograde ~/cohorts/spring
    coproduction formgrader ~/cohorts/spring     # mark the written answers
    coproduction feedback ~/cohorts/spring
    coproduction return-feedback ~/cohorts/spring  # on a hub: learners fetch it in JupyterLab
    coproduction report ~/cohorts/spring
    coproduction export ~/cohorts/spring --pseudonymise
    coproduction certificates ~/cohorts/spring --min-share 60
    coproduction verify ~/cohorts/spring CIP-ABCD-EFGH-IJKL-MNOP-QRST
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

__all__ = ["main", "build_parser"]

EXAMPLES = __doc__.split("::", 1)[1]


def _workspace(path: str):  # -> Workspace (imported lazily: --help stays fast)
    from coproduction.cohort.workspace import Workspace

    return Workspace(Path(path))


def _create(args: argparse.Namespace) -> int:
    from coproduction.cohort.collect import create_cohort
    from coproduction.nbgrader_tools import repo_root

    course = Path(args.course).resolve() if args.course else repo_root()
    ws = create_cohort(Path(args.workspace), Path(args.roster), course, args.db,
                       say=lambda step: print(f"  {step}…", file=sys.stderr, flush=True),
                       exchange=Path(args.exchange) if args.exchange else None)
    print(f"Created cohort workspace {ws.root} for {len(ws.learners())} learners and assignments "
          f"{', '.join(ws.assignments)}.\nIt holds learner data: keep it out of git (it ignores itself).")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from coproduction.cohort.collect import collect
    from coproduction.cohort.inert import terminal

    ws = _workspace(args.workspace)
    found = collect(ws, args.assignment, Path(args.source) if args.source else None)
    where = args.source or f"the exchange at {ws.exchange}"
    print(f"Collected {len(found.filed)} notebook(s) for {args.assignment} from {where}.")
    for label, items in (("Could not match to a learner", found.unmatched),
                         ("Sent files but no notebook", [f"{k}: {', '.join(v)}" for k, v in found.no_notebook.items()]),
                         ("Could not be read", found.refused), ("Nothing from", found.nothing)):
        if items:
            print(f"{label} ({len(items)}):")
            for item in items:
                print(f"  {terminal(item)}")
    return 0


def _hand_out(args: argparse.Namespace) -> int:
    from coproduction.cohort.exchange import hand_out

    ws = _workspace(args.workspace)
    names = hand_out(ws, args.assignment or None)
    print(f"Handed out {', '.join(names)} through the exchange at {ws.exchange}: learners fetch them from "
          "the Assignments panel in JupyterLab.")
    return 0


def _return_feedback(args: argparse.Namespace) -> int:
    from coproduction.cohort.exchange import return_feedback

    ws = _workspace(args.workspace)
    returned, skipped = return_feedback(ws, args.assignment or None)
    print(f"Returned {returned} feedback page(s) through the exchange: learners press \"Fetch Feedback\" "
          "in the Assignments panel.")
    if skipped:
        print(f"Not returned ({len(skipped)}), send these another way:")
        for item in skipped:
            print(f"  {item}")
    return 0


def _autograde(args: argparse.Namespace) -> int:
    from coproduction.cohort.grade import autograde
    from coproduction.cohort.settings import from_arguments
    from coproduction.cohort.standing import standings, status_table

    ws = _workspace(args.workspace)
    rows = autograde(ws, args.assignment or None, from_arguments(args),
                     progress=None if args.verbosity < 0 else sys.stderr)
    if rows:
        print(status_table(standings(ws, sorted({r.assignment for r in rows}))))
    return 0


def _status(args: argparse.Namespace) -> int:
    from coproduction.cohort.standing import SUMMARY_AFTER, standings, status_table, summary, summary_table
    from coproduction.cohort.workspace import CohortError

    ws = _workspace(args.workspace)
    assignments = args.assignment or None
    if args.learner:
        unknown = sorted(set(args.learner) - {learner.id for learner in ws.learners()})
        if unknown:
            raise CohortError(f"Not on the roster: {', '.join(unknown)}.")
    rows = len(args.learner or ws.learners()) * len([a for a in ws.assignments if not assignments or a in assignments])
    if rows > SUMMARY_AFTER and not args.all and not args.learner:
        print(summary_table(summary(ws, assignments), args.workspace))
    else:
        print(status_table(standings(ws, assignments, learners=args.learner)))
    return 0


def _feedback(args: argparse.Namespace) -> int:
    from coproduction.cohort.feedback import write_feedback

    ws = _workspace(args.workspace)
    pages = write_feedback(ws, args.assignment or None)  # each page it could not make is logged
    print(f"Wrote {len(pages.changed)} feedback page(s) under {ws.root / 'feedback'}"
          + (f"; {len(pages.unchanged)} already up to date." if pages.unchanged else "."))
    return 1 if pages.problems else 0


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


def _formgrader(args: argparse.Namespace) -> int:
    from coproduction.cohort.formgrader import run_formgrader

    return run_formgrader(_workspace(args.workspace), port=args.port, ip=args.ip)


def _certificates(args: argparse.Namespace) -> int:
    from coproduction.cohort.certificates import Rule, issue_certificates

    ws = _workspace(args.workspace)
    rule = Rule(min_share=args.min_share / 100, fully_marked=not args.allow_unmarked)
    result = issue_certificates(ws, rule, pdf=not args.no_pdf)
    print(f"Completing the course means: {rule.describe()}.")
    print(f"Wrote {len(result.complete)} certificate(s) under {ws.root / 'certificates'}"
          + (" (HTML and PDF)." if not args.no_pdf else " (HTML)."))
    for certificate in result.complete:
        print(f"  {certificate.learner}: {certificate.code}")
    if result.incomplete:
        print(f"Not complete yet ({len(result.incomplete)}):")
        for learner, reasons in result.incomplete.items():
            print(f"  {learner}: " + "; ".join(reasons))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from coproduction.cohort.certificates import verify

    found = verify(_workspace(args.workspace), args.code)
    if found is None:
        print(f"Not valid: {args.code} is not a certificate this cohort issued, or it was altered.")
        return 1
    print(f"Valid: issued on {found.issued} to {found.name} ({found.learner}) for completing the course, "
          f"{found.hours:g} estimated hours.")
    return 0


#: What every command's WORKSPACE argument is.
WORKSPACE_HELP = "the cohort's workspace folder (made by `coproduction cohort create`)"


def build_parser() -> argparse.ArgumentParser:
    from coproduction.cohort.settings import add_arguments

    parser = argparse.ArgumentParser(
        prog="coproduction", description="Run a cohort of Co-production in Practice: create, collect, "
        "autograde, feedback, report and export.", epilog="Example:" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Every command: how much it says on screen (all of it goes to the workspace's logs/).
    talk = argparse.ArgumentParser(add_help=False)
    loudness = talk.add_mutually_exclusive_group()
    loudness.add_argument("-v", "--verbose", action="store_const", const=1, dest="verbosity", default=0,
                          help="say every step (the workspace's log has them all anyway)")
    loudness.add_argument("-q", "--quiet", action="store_const", const=-1, dest="verbosity",
                          help="warnings and errors only, no progress bar")

    def command(name: str, help_text: str, run: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text, parents=[talk])
        sub.set_defaults(run=run)
        return sub

    cohort = commands.add_parser("cohort", help="create a cohort workspace", description="Create a cohort.")
    cohort_commands = cohort.add_subparsers(dest="cohort_command", required=True, metavar="COMMAND")
    create = cohort_commands.add_parser(
        "create", help="create a workspace from a roster CSV", parents=[talk],
        description="Create a cohort workspace (a folder outside git) from a roster CSV with an 'id' column "
                    "(optionally first_name, last_name, email). Every problem in the roster is reported at once.")
    create.set_defaults(run=_create)
    create.add_argument("workspace", help="folder to create (outside the repository, or under cohorts/)")
    create.add_argument("--roster", required=True, help="CSV with an 'id' column")
    create.add_argument("--course", help="the course repository (default: the one this command runs in)")
    create.add_argument("--db", help="gradebook SQLAlchemy URL (default: SQLite in the workspace), "
                                     "e.g. postgresql+psycopg://user@host/gradebook")
    create.add_argument("--exchange", help="on a hub: nbgrader's exchange folder, e.g. /srv/nbgrader/exchange "
                                           "(then hand-out, collect and return-feedback use it)")

    sub = command("hand-out", "on a hub: release assignments to nbgrader's exchange for learners to fetch",
                  _hand_out)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", nargs="*", help="assignments to hand out (default: all)")

    sub = command("collect", "file submissions from an LMS zip download, a folder, or the hub's exchange",
                  _collect)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", help="e.g. ladder")
    sub.add_argument("source", nargs="?",
                     help="a zip file or a folder of learners' uploads (default: the cohort's exchange, on a hub)")

    sub = command("autograde", "grade collected submissions in parallel, in a sandbox", _autograde)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", nargs="*", help="assignments to grade (default: all)")
    add_arguments(sub)  # the run's settings, each with its default (coproduction.cohort.settings)

    sub = command("status", "show each submission's status, score and notes (a summary for large cohorts)",
                  _status)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", nargs="*", help="only these assignments (default: every one)")
    sub.add_argument("--all", action="store_true",
                     help="a row per learner and assignment however large the cohort (a summary above 200 rows)")
    sub.add_argument("--learner", action="append", metavar="ID", help="only this learner's rows (repeatable)")

    sub = command("feedback", "write learners' feedback (HTML, never with hidden tests)", _feedback)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", nargs="*", help="only these assignments (default: every one)")

    sub = command("return-feedback", "on a hub: put the feedback pages where learners fetch them", _return_feedback)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("assignment", nargs="*", help="only these assignments (default: every one)")

    sub = command("export", "export grades as CSV: one row per learner", _export)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("--output", help="CSV path (default: reports/grades.csv in the workspace)")
    sub.add_argument("--pseudonymise", action="store_true",
                     help="replace learner ids with stable pseudonyms (a key kept in the workspace)")

    sub = command("formgrader", "start nbgrader's Formgrader on the workspace to mark written answers",
                  _formgrader)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("--port", type=int, default=None,
                     help="port to listen on (default: $JUPYTER_PORT, $PORT, else a free one)")
    sub.add_argument("--ip", default="127.0.0.1", help="address to listen on (default: this machine only)")

    sub = command("certificates", "write certificates of completion for learners who meet the rule, and say "
                                  "why the others have not yet", _certificates)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("--min-share", type=float, default=60.0, metavar="PERCENT",
                     help="share of the core track's and written answers' points needed (default: 60)")
    sub.add_argument("--allow-unmarked", action="store_true",
                     help="do not require every assignment to be fully marked")
    sub.add_argument("--no-pdf", action="store_true", help="HTML certificates only (no Chromium needed)")

    sub = command("verify", "check a certificate's verification code against this cohort", _verify)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("code", help="e.g. CIP-ABCD-EFGH-IJKL-MNOP-QRST")

    sub = command("report", "write the cohort report (HTML with figures)", _report)
    sub.add_argument("workspace", help=WORKSPACE_HELP)
    sub.add_argument("--output", help="HTML path (default: reports/cohort-report.html in the workspace)")
    return parser


INTERRUPTED = ("\nInterrupted. Everything recorded so far is kept: run the same command again to carry on "
               "from where it stopped.")


def main(argv: Sequence[str] | None = None) -> int:
    # A command started in the background (``&``) inherits an ignored Ctrl-C; a trainer still
    # needs to stop it (kill -INT), and to get the same plain message.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return _interrupted()
    except BrokenPipeError:  # output piped into `head` or a pager that closed early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        # Ctrl-C can arrive wrapped: Python turns a KeyboardInterrupt raised while a class is
        # being made (an import still under way) into a RuntimeError caused by it.
        if _caused_by_ctrl_c(error):
            return _interrupted()
        raise


def _interrupted() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not turn the message into a traceback
    print(INTERRUPTED, file=sys.stderr)
    return 130


class InertStream:
    """Standard output with every control character but new lines and tabs
    shown as an escape: text from a submission never moves the cursor or
    clears a trainer's terminal."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        from coproduction.cohort.inert import terminal

        self.stream.write("\n".join("\t".join(terminal(p) for p in line.split("\t")) for line in text.split("\n")))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _caused_by_ctrl_c(error: BaseException) -> bool:
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _main(argv: Sequence[str] | None) -> int:
    # nbgrader runs alembic, which lives beside this Python.
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    args = build_parser().parse_args(argv)
    from coproduction.cohort.sandbox import SandboxError
    from coproduction.cohort.log import configure, logger, unconfigure
    from coproduction.cohort.workspace import CohortError
    from coproduction.nbgrader_tools import NbgraderError

    workspace = Path(args.workspace) if getattr(args, "workspace", None) else None
    log_file = configure(args.verbosity, workspace, args.command if args.command != "cohort" else "cohort-create")
    logger(__name__).debug("coproduction %s; this log: %s", " ".join(sys.argv[1:] if argv is None else argv),
                           log_file or "none (no workspace yet)")
    plain, sys.stdout = sys.stdout, InertStream(sys.stdout)  # type: ignore[assignment]  # whatever a learner wrote
    try:
        return args.run(args)
    except (CohortError, NbgraderError, SandboxError) as err:
        print(f"coproduction {args.command}: {err}", file=sys.stderr)
        logger(__name__).debug("stopped: %s", err)
        return 2
    finally:
        sys.stdout = plain
        unconfigure()


if __name__ == "__main__":
    raise SystemExit(main())
