"""A cohort's workspace: one folder, outside git, holding everything about
its learners.

::

    <workspace>/
      cohort.json          course location, gradebook URL, pseudonym key
      roster.csv           who is in the cohort
      nbgrader_config.py   so nbgrader's own commands (formgrader) work here
      release/             the learners' notebooks, as nbgrader generated them
      submitted/<learner>/<assignment>/<assignment>.ipynb
      autograded/ feedback/ reports/ logs/
      gradebook.db         nbgrader's gradebook (or any SQLAlchemy URL)
      status.db            each submission's grading status and notes

The workspace writes a ``.gitignore`` that ignores all of it, so a
workspace created inside a repository by mistake never enters git.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

__all__ = ["COURSE_ID", "CohortError", "Learner", "read_roster", "Workspace", "StatusRow", "FINAL", "ID_PATTERN",
           "nbgrader_config"]

#: nbgrader's course id, the same as the repository's nbgrader_config.py.
COURSE_ID = "coproduction-in-practice"
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
ROSTER_COLUMNS = ("id", "first_name", "last_name", "email")
#: What a name or email in a roster may not hold: markup and control characters.
_UNSAFE_NAME = re.compile(r"[<>\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

#: Statuses after which a submission is not graded again unless it changes.
FINAL = frozenset({"graded", "blank", "needs review", "timeout", "crashed", "unreadable", "missing", "wrong notebook"})


class CohortError(ValueError):
    """Bad input to a cohort command; the message says what to fix."""


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def read_roster(path: Path) -> list[Learner]:
    """Read and check a roster CSV: an ``id`` column, optionally
    ``first_name``, ``last_name`` and ``email``. Every problem is reported at
    once, by row, so a trainer can fix the file in one go."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CohortError(f"The roster {path} does not exist.") from None
    except UnicodeDecodeError as err:
        raise CohortError(f"The roster {path} is not UTF-8 text (byte {err.start}); save it as CSV UTF-8.") from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]  # " id" in a hand-made file still counts as the id column
    if "id" not in header:
        raise CohortError(f"The roster {path} needs an 'id' column (found: {', '.join(header) or 'nothing'}).")
    unknown = [h for h in header if h not in ROSTER_COLUMNS]
    problems: list[str] = [f"unknown column {h!r} (allowed: {', '.join(ROSTER_COLUMNS)})" for h in unknown]
    learners: list[Learner] = []
    seen: dict[str, int] = {}
    where = [header.index(c) if c in header else None for c in ROSTER_COLUMNS]
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if not row:
            continue  # a blank line
        ident, *names = (row[i].strip() if i is not None and i < len(row) else "" for i in where)
        if not ident:
            problems.append(f"row {number}: the id is empty")
            continue
        if not ID_PATTERN.fullmatch(ident):
            problems.append(f"row {number}: id {ident!r} must be 1-64 letters, digits, '.', '_' or '-', "
                            "starting with a letter or digit (it becomes a folder name)")
            continue
        key = ident.lower()  # folders named L01 and l01 collide on Windows and macOS
        if key in seen:
            problems.append(f"row {number}: id {ident!r} duplicates row {seen[key]}")
            continue
        seen[key] = number
        unsafe = [c for c, v in zip(ROSTER_COLUMNS[1:], names) if _UNSAFE_NAME.search(v)]
        if unsafe:
            problems.append(f"row {number}: {' and '.join(unsafe)} of {ident!r} holds <, > or a control character, "
                            "which no name needs (Formgrader and the trainer's terminal would read it as markup)")
            continue
        learners.append(Learner(ident, *names))
    if not learners and not problems:
        problems.append("there are no learners in it")
    if problems:
        raise CohortError(f"The roster {path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))
    return learners


@dataclass
class StatusRow:
    """Where one learner's submission of one assignment stands."""

    learner: str
    assignment: str
    status: str
    detail: str = ""
    notes: list[str] = field(default_factory=list)
    score: float | None = None
    max_score: float | None = None
    digest: str = ""
    seconds: float | None = None
    updated: str = ""
    #: The autograder's points by kind of part ("core", "written", "going further"): [scored, maximum].
    #: A trainer's marks are read from the gradebook on top of these (see cohort.standing).
    kinds: dict[str, list[float]] = field(default_factory=dict)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    learner TEXT NOT NULL, assignment TEXT NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL,
    notes TEXT NOT NULL, score REAL, max_score REAL, digest TEXT NOT NULL, seconds REAL,
    updated TEXT NOT NULL, PRIMARY KEY (learner, assignment))
"""
#: The autograder's points by kind of part, as plain columns (read for every row of ``status``).
_KIND_COLUMNS = {"core": ("core_score", "core_max"), "written": ("written_score", "written_max"),
                 "going further": ("further_score", "further_max")}
_COLUMNS = ("learner, assignment, status, detail, notes, score, max_score, digest, seconds, updated, "
            + ", ".join(c for pair in _KIND_COLUMNS.values() for c in pair))


class Workspace:
    """A cohort workspace on disk."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        config = self.root / "cohort.json"
        if not config.is_file():
            raise CohortError(f"{self.root} is not a cohort workspace (no cohort.json); "
                              "create one with `coproduction cohort create`.")
        self.config = json.loads(config.read_text(encoding="utf-8"))
        self.course = Path(self.config["course"])
        self.db_url: str = self.config["db_url"]
        self._roster: list[Learner] | None = None
        self._status = sqlite3.connect(self.root / "status.db")
        self._status.execute(_SCHEMA)
        columns = {row[1] for row in self._status.execute("PRAGMA table_info(submissions)")}
        missing = [c for pair in _KIND_COLUMNS.values() for c in pair if c not in columns]
        if missing:  # a workspace from before points were kept by kind of part
            with self._status:
                for column in missing:
                    self._status.execute(f"ALTER TABLE submissions ADD COLUMN {column} REAL")

    # Folders ---------------------------------------------------------------
    def submitted(self, learner: str, assignment: str) -> Path:
        return self.root / "submitted" / learner / assignment

    def autograded(self, learner: str, assignment: str) -> Path:
        return self.root / "autograded" / learner / assignment

    def feedback(self, learner: str, assignment: str) -> Path:
        return self.root / "feedback" / learner / assignment

    def release(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def source(self, assignment: str) -> Path:
        return self.course / "solutions" / assignment / f"{assignment}.ipynb"

    @property
    def exchange(self) -> Path | None:
        """nbgrader's exchange folder on the hub, if this cohort uses one."""
        folder = self.config.get("exchange")
        return Path(folder) if folder else None

    @property
    def assignments(self) -> list[str]:
        return list(self.config["assignments"])

    def learners(self) -> list[Learner]:
        """The roster, read once per command."""
        if self._roster is None:
            self._roster = read_roster(self.root / "roster.csv")
        return list(self._roster)

    @property
    def pseudonym_key(self) -> str:
        return self.config["pseudonym_key"]

    # Status ----------------------------------------------------------------
    def set_status(self, row: StatusRow) -> None:
        """Record a submission's status (committed at once: a kill loses nothing recorded)."""
        self.set_statuses([row])

    def set_statuses(self, rows: Iterable[StatusRow]) -> None:
        """Record several submissions' statuses in one transaction."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        values = []
        for row in rows:
            row.updated = now
            kinds = [row.kinds.get(kind, [None, None])[i] for kind in _KIND_COLUMNS for i in (0, 1)]
            values.append((row.learner, row.assignment, row.status, row.detail, json.dumps(row.notes), row.score,
                           row.max_score, row.digest, row.seconds, row.updated, *kinds))
        with self._status:
            self._status.executemany(
                f"INSERT OR REPLACE INTO submissions ({_COLUMNS}) VALUES ({', '.join('?' * 16)})", values)

    def status(self, learner: str, assignment: str) -> StatusRow | None:
        found = self._status.execute(f"SELECT {_COLUMNS} FROM submissions WHERE learner=? AND assignment=?",
                                     (learner, assignment)).fetchone()
        return self._row(found) if found else None

    def statuses(self, assignments: Iterable[str] | None = None) -> list[StatusRow]:
        wanted = set(assignments) if assignments else None
        return [self._row(r) for r in self._status.execute(
            f"SELECT {_COLUMNS} FROM submissions ORDER BY assignment, learner") if wanted is None or r[1] in wanted]

    def raw_statuses(self, assignments: Iterable[str] | None = None) -> list[tuple[str, str, str, str]]:
        """Each recorded submission's learner, assignment, status and detail,
        as plain tuples (what a summary of a large cohort needs, read quickly)."""
        wanted = set(assignments) if assignments else None
        return [r for r in self._status.execute("SELECT learner, assignment, status, detail FROM submissions")
                if wanted is None or r[1] in wanted]

    @staticmethod
    def _row(values: tuple) -> StatusRow:
        learner, assignment, status, detail, notes, score, max_score, digest, seconds, updated, *points = values
        kinds = {kind: [points[2 * i], points[2 * i + 1]] for i, kind in enumerate(_KIND_COLUMNS)
                 if points[2 * i + 1] is not None}
        return StatusRow(learner, assignment, status, detail, [] if notes == "[]" else json.loads(notes), score,
                         max_score, digest, seconds, updated, kinds)

    def close(self) -> None:
        self._status.close()

    # Creating --------------------------------------------------------------
    @staticmethod
    def write_new(root: Path, course: Path, db_url: str | None, assignments: list[str], roster: Path,
                  exchange: Path | None = None) -> Path:
        """Lay out a new workspace's files (the gradebook is filled by the caller).
        ``exchange`` is nbgrader's exchange folder on a hub, if the cohort uses one."""
        root = Path(root).resolve()
        if (root / "cohort.json").exists():
            raise CohortError(f"{root} already holds a cohort; choose another folder.")
        if root.is_relative_to(course.resolve()) and not _ignored_by_course(root, course):
            raise CohortError(f"{root} is inside the course repository but not in a folder git ignores; "
                              "put the workspace outside the repository, or under cohorts/ or .nbgrader/.")
        root.mkdir(parents=True, exist_ok=True)
        (root / ".gitignore").write_text("# A cohort workspace holds learner data: never commit it.\n*\n")
        (root / "roster.csv").write_bytes(roster.read_bytes())
        config = {"course": str(course.resolve()), "db_url": db_url or f"sqlite:///{root / 'gradebook.db'}",
                  "assignments": assignments, "pseudonym_key": secrets.token_hex(16),
                  "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        if exchange is not None:
            config["exchange"] = str(Path(exchange).resolve())
        (root / "cohort.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        (root / "nbgrader_config.py").write_text(
            nbgrader_config(root, course.resolve(), config["db_url"], config.get("exchange")), encoding="utf-8")
        for folder in ("submitted", "autograded", "feedback", "reports", "logs"):
            (root / folder).mkdir(exist_ok=True)
        return root


def _ignored_by_course(root: Path, course: Path) -> bool:
    relative = root.resolve().relative_to(course.resolve())
    return bool(relative.parts) and relative.parts[0] in {"cohorts", ".nbgrader"}


def nbgrader_config(root: Path, course: Path, db_url: str, exchange: str | None = None) -> str:
    return f'''"""nbgrader settings for this cohort workspace (written by `coproduction cohort create`).

Run nbgrader's own commands from this folder, e.g. `nbgrader formgrader`
to mark written answers. The instructor notebooks stay in the course.
"""

c = get_config()  # noqa: F821

c.CourseDirectory.root = {str(root)!r}
c.CourseDirectory.source_directory = {str(course / "solutions")!r}
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.db_url = {db_url!r}
c.CourseDirectory.course_id = {COURSE_ID!r}
c.ClearSolutions.code_stub = {{"python": ""}}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.Execute.timeout = 60
''' + (f"c.Exchange.root = {exchange!r}  # the hub's exchange: release, collect, feedback\n" if exchange else "")


def iter_files(folder: Path) -> Iterator[Path]:
    """Every ordinary file under ``folder``, skipping hidden and checkpoint
    folders and symbolic links: a link in an upload, or in the hub's exchange
    where every learner can write, could point at anything the trainer can read
    (another learner's work, the instructor notebooks)."""
    found = []
    for top, folders, files in os.walk(folder):  # a linked folder is listed but not entered
        folders[:] = [f for f in folders if not f.startswith(".") and f != "__MACOSX"]
        for name in files:
            path = Path(top) / name
            if not name.startswith(".") and not path.is_symlink() and path.is_file():
                found.append(path)
    yield from sorted(found)
