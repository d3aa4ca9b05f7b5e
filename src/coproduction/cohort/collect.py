"""Creating a cohort and collecting its submissions.

Collecting takes what a learning platform gives a trainer (a zip of every
learner's upload, or a folder of them) and files each notebook where nbgrader
expects it, matching files to learners by the roster id in the file's path or
name. It reports what it could not match, learners with nothing, and
learners who sent something other than a notebook; a renamed notebook is
filed under the right name and noted.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import re
import shutil
import sqlite3
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Callable

from coproduction.cohort.workspace import (COURSE_ID, CohortError, Learner, StatusRow, Workspace, nbgrader_config,
                                           iter_files, read_roster)
from coproduction.nbgrader_tools import assignments as course_assignments
from coproduction.nbgrader_tools import nbgrader
from coproduction.release import mark_cells

from .exchange import SECRET, TIMESTAMP, inbound, submission_files

__all__ = ["create_cohort", "course_version", "generated", "Collected", "collect", "MAX_FILE_BYTES"]

#: Largest file collected (a notebook with a few figures is well under this).
MAX_FILE_BYTES = 50 * 1024**2


def course_version(course: Path) -> str:
    """A fingerprint of what the learners' notebooks are generated from: the
    instructor notebooks, the keys and marks the answer forms are made from,
    and the nbgrader that generates them."""
    from importlib.metadata import version

    from coproduction import release
    from coproduction.exercise.key import KEYS

    digest = hashlib.sha256(f"nbgrader {version('nbgrader')}\n".encode())
    for path in [Path(release.__file__), *sorted(KEYS.glob("*.json"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for path in sorted((course / "solutions").glob("*/*.ipynb")):
        digest.update(path.relative_to(course).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def generated(course: Path, say: Callable[[str], None] = lambda _: None) -> Path:
    """The learners' notebooks and a gradebook holding every assignment (no
    learners), generated once per course version and kept under the course's
    ignored ``.nbgrader/releases/``. Returns that folder.

    Two commands that need a new version at once (two trainers, or tests
    running in parallel) generate it once: the second waits for the first."""
    cache = course / ".nbgrader" / "releases" / course_version(course)
    if (cache / "gradebook.db").is_file():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with (cache.parent / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (cache / "gradebook.db").is_file():  # made while this command waited
            return cache
        names = course_assignments(course)
        say(f"Generating the learners' notebooks for this version of the course (once): {', '.join(names)}")
        building = Path(tempfile.mkdtemp(prefix="building-", dir=cache.parent))
        try:
            (building / "nbgrader_config.py").write_text(
                nbgrader_config(building, course.resolve(), f"sqlite:///{building / 'gradebook.db'}"),
                encoding="utf-8")
            # One nbgrader run for every assignment: its start-up costs more than generating one.
            nbgrader("generate_assignment", "*", "--force", cwd=building)
            missing = [n for n in names if not (building / "release" / n / f"{n}.ipynb").is_file()]
            if missing:
                raise CohortError(f"nbgrader did not generate {', '.join(missing)} from {course / 'solutions'}.")
            for name in names:  # the answer forms and collapsed cells, as make release marks them
                mark_cells(building / "release" / name / f"{name}.ipynb", name)
            (building / "nbgrader_config.py").unlink()
            building.rename(cache)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
    return cache


def _add_learners(ws: Workspace, learners: list[Learner]) -> None:
    """Put the roster into nbgrader's gradebook (its ``student`` table)."""
    rows = [(ln.id, ln.first_name or None, ln.last_name or None, ln.email or None) for ln in learners]
    if ws.db_url.startswith("sqlite:///"):
        with sqlite3.connect(ws.db_url.removeprefix("sqlite:///")) as db:
            db.executemany("INSERT OR REPLACE INTO student (id, first_name, last_name, email) VALUES (?,?,?,?)", rows)
        return
    from nbgrader.api import Gradebook

    with Gradebook(ws.db_url, COURSE_ID) as gb:
        for ident, first, last, email in rows:
            gb.update_or_create_student(ident, first_name=first, last_name=last, email=email)


def _stamp_schema(source_url: str, target_url: str) -> None:
    """Give an empty database the generated gradebook's schema version.
    nbgrader stamps a new gradebook by running ``alembic heads``, which needs
    alembic on PATH and a second; the version is the generated gradebook's."""
    from sqlalchemy import create_engine, inspect, text

    target = create_engine(target_url)
    try:
        if inspect(target).get_table_names():
            return
        source = create_engine(source_url)
        try:
            with source.connect() as db:
                version = db.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        finally:
            source.dispose()
        with target.begin() as db:
            db.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            db.execute(text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version})
    finally:
        target.dispose()


def _record_assignments(source_url: str, target_url: str, names: list[str]) -> None:
    """Record each assignment, its notebooks and their cells, as the generated
    gradebook holds them, in another gradebook (on a database server), through
    nbgrader's own API: what ``generate_assignment`` would record there, in a
    second instead of generating every notebook again."""
    from nbgrader.api import Gradebook

    _stamp_schema(source_url, target_url)
    own = {"id", "name", "notebook", "assignment"}  # said by the call itself, or the target's own
    with Gradebook(source_url, COURSE_ID) as source, Gradebook(target_url, COURSE_ID) as target:
        for name in names:
            assignment = source.find_assignment(name)
            target.update_or_create_assignment(name, duedate=assignment.duedate)
            for notebook in assignment.notebooks:
                target.update_or_create_notebook(notebook.name, name, kernelspec=notebook.kernelspec)
                for kind in ("grade_cell", "solution_cell", "task_cell", "source_cell"):
                    record = getattr(target, f"update_or_create_{kind}")
                    for cell in getattr(notebook, f"{kind}s"):
                        fields = {k: v for k, v in cell.to_dict().items() if k not in own}
                        record(cell.name, notebook.name, name, **fields)


def _where(db_url: str) -> str:
    """A database URL as a trainer may see it said: no user name or password."""
    scheme, _, rest = db_url.partition("://")
    return f"{scheme}://{rest.rpartition('@')[2]}"


def create_cohort(root: Path, roster: Path, course: Path, db_url: str | None = None,
                  say: Callable[[str], None] = lambda _: None, exchange: Path | None = None) -> Workspace:
    """Make a workspace from a roster: nbgrader's gradebook with every
    assignment and learner in it, and the learners' release notebooks.
    ``exchange`` is nbgrader's exchange folder when the cohort is on a hub.
    ``say`` hears each step, for a trainer watching."""
    learners = read_roster(roster)  # checked before anything is written
    names = course_assignments(course)
    existed = Path(root).exists()
    root = Workspace.write_new(root, course, db_url, names, roster, exchange)
    try:
        cache = generated(course, say)
        say("Copying the learners' notebooks into the workspace")
        shutil.copytree(cache / "release", root / "release", dirs_exist_ok=True)
        if db_url is None:
            shutil.copyfile(cache / "gradebook.db", root / "gradebook.db")
        else:
            say(f"Recording the assignments in the gradebook at {_where(db_url)}")
            _record_assignments(f"sqlite:///{cache / 'gradebook.db'}", db_url, names)
        ws = Workspace(root)
        say(f"Adding {len(learners)} learners to the gradebook")
        _add_learners(ws, learners)
    except BaseException:
        # A half-made workspace would refuse the next attempt: remove what this call made.
        (root / "cohort.json").unlink(missing_ok=True)
        if not existed:
            shutil.rmtree(root, ignore_errors=True)
        raise
    return ws


@dataclass
class Collected:
    """What a collection found."""

    filed: dict[str, str] = field(default_factory=dict)  # learner -> what was filed (and from where)
    unmatched: list[str] = field(default_factory=list)  # files no learner could be matched to, with why
    no_notebook: dict[str, list[str]] = field(default_factory=dict)  # learner -> the files they sent
    nothing: list[str] = field(default_factory=list)  # learners with no file at all
    refused: list[str] = field(default_factory=list)  # uploads that could not be read, with why


@dataclass(frozen=True)
class _File:
    name: str  # the path inside the zip or folder
    size: int
    modified: datetime
    read: Callable[[], bytes]
    secret: str | None = None  # nbgrader's submission secret, for a submission through the hub's exchange


def _files(source: Path) -> list[_File]:
    if source.is_dir():
        return [_File(str(p.relative_to(source)), p.stat().st_size,
                      datetime.fromtimestamp(p.stat().st_mtime, timezone.utc), p.read_bytes)
                for p in iter_files(source)]
    if not zipfile.is_zipfile(source):
        raise CohortError(f"{source} is neither a folder nor a zip file.")
    try:
        archive = zipfile.ZipFile(source)
    except UnicodeDecodeError:  # a name marked UTF-8 that is not: read it as the bytes it is
        archive = zipfile.ZipFile(_names_as_bytes(source))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise CohortError(f"{source} is a damaged zip file ({err}); download it again.") from None
    found = []
    for info in archive.infolist():
        parts = PurePosixPath(info.filename).parts
        if info.is_dir() or any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        found.append(_File(info.filename, info.file_size, datetime(*info.date_time, tzinfo=timezone.utc),
                           lambda info=info: _read_member(archive, info)))
    return found


class Damaged(Exception):
    """A file in an upload that cannot be read whole; the message says why."""


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One file of a zip, at most :data:`MAX_FILE_BYTES` whatever its header
    says (a zip bomb stops there), or :class:`Damaged` saying why not."""
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise Damaged(f"it unpacks to more than {MAX_FILE_BYTES // 1024**2} MB")
            return data
    except Damaged:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
        raise Damaged(f"it is damaged in the zip ({str(err)[:80]})") from None
    except (NotImplementedError, RuntimeError) as err:  # an unknown compression method, or a password
        raise Damaged(f"it cannot be unpacked ({str(err)[:80]})") from None


def _names_as_bytes(source: Path) -> io.BytesIO:
    """The zip at ``source`` with the UTF-8 mark taken off each file name that
    is not UTF-8, so Python reads those names as bytes (code page 437)
    instead of refusing the whole zip."""
    data = bytearray(source.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        raise CohortError(f"{source} is a damaged zip file; download it again.")
    size, offset = struct.unpack("<II", data[end + 12:end + 20])
    at = offset
    while at < offset + size and data[at:at + 4] == b"PK\x01\x02":
        flags, = struct.unpack("<H", data[at + 8:at + 10])
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[at + 28:at + 34])
        local, = struct.unpack("<I", data[at + 42:at + 46])
        name = bytes(data[at + 46:at + 46 + name_len])
        try:
            name.decode("utf-8")
        except UnicodeDecodeError:
            data[at + 8:at + 10] = struct.pack("<H", flags & ~0x800)
            if data[local:local + 4] == b"PK\x03\x04":
                local_flags, = struct.unpack("<H", data[local + 6:local + 8])
                data[local + 6:local + 8] = struct.pack("<H", local_flags & ~0x800)
        at += 46 + name_len + extra_len + comment_len
    return io.BytesIO(bytes(data))


def _from_exchange(ws: Workspace, assignment: str, report: Collected) -> list[_File]:
    """Every submission in the exchange, except any that the system can tell
    another learner made in this one's name (those are reported, not filed)."""
    roster = {learner.id for learner in ws.learners()}
    files = []
    for submitted in inbound(ws, assignment):
        forger = submitted.forged_by(roster)
        if forger:
            report.unmatched.append(f"{submitted.folder.name}: made by {forger}'s account in "
                                    f"{submitted.learner}'s name; not collected")
            continue
        files += [_File(name, path.stat().st_size, submitted.submitted, path.read_bytes, submitted.secret)
                  for name, path in submission_files(submitted)]
    return files


def _owner(name: str, learners: list[Learner]) -> list[str]:
    """Roster ids that appear in a file's path as whole tokens."""
    return [ln.id for ln in learners
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(ln.id)}(?![A-Za-z0-9])", name, re.IGNORECASE)]


def collect(ws: Workspace, assignment: str, source: Path | None = None) -> Collected:
    """File every learner's notebook for ``assignment`` from a zip or folder,
    or (with no source) from the hub's exchange, newest submission first."""
    if assignment not in ws.assignments:
        raise CohortError(f"Unknown assignment {assignment!r}; this cohort has {', '.join(ws.assignments)}.")
    if source is not None and not source.exists():
        raise CohortError(f"{source} does not exist.")
    learners = ws.learners()
    report = Collected()
    by_learner: dict[str, list[_File]] = {}
    for item in _files(source) if source is not None else _from_exchange(ws, assignment, report):
        owners = _owner(item.name, learners)
        if len(owners) != 1:
            why = "no roster id in its name" if not owners else f"several roster ids in its name ({', '.join(owners)})"
            report.unmatched.append(f"{item.name}: {why}")
            continue
        if item.size > MAX_FILE_BYTES:
            report.unmatched.append(f"{item.name}: larger than {MAX_FILE_BYTES // 1024**2} MB, not collected")
            continue
        by_learner.setdefault(owners[0], []).append(item)
    for learner in learners:
        items = by_learner.get(learner.id, [])
        if not items:
            report.nothing.append(learner.id)
            if ws.status(learner.id, assignment) is None:  # an earlier collection's work is kept
                ws.set_status(StatusRow(learner.id, assignment, "not submitted",
                                        "nothing came from this learner when it was collected"))
            continue
        notebooks = [f for f in items if f.name.lower().endswith(".ipynb")]
        folder = ws.submitted(learner.id, assignment)
        if not notebooks:
            report.no_notebook[learner.id] = [f.name for f in items]
            _file(ws, folder, assignment, None, [f"collected: no notebook among {', '.join(f.name for f in items)}"])
            continue
        # Platforms prefix the learner's name or id ("L07_ladder.ipynb"): only the ending counts.
        exact = [f for f in notebooks if PurePosixPath(f.name).name.lower().endswith(f"{assignment}.ipynb".lower())]
        chosen = max(exact or notebooks, key=lambda f: f.modified)
        notes = []
        if not exact:
            notes.append(f"collected: the notebook was renamed ({PurePosixPath(chosen.name).name}); "
                         f"filed as {assignment}.ipynb")
        if len(notebooks) > 1:
            notes.append(f"collected: {len(notebooks)} notebooks sent; used the newest, {chosen.name}")
        try:
            _file(ws, folder, assignment, chosen, notes)
        except Damaged as damaged:  # costs this learner's upload only: the others are still filed
            message = f"{chosen.name} could not be read: {damaged}; ask for it again"
            report.refused.append(f"{learner.id}: {message}")
            (folder / f"{assignment}.ipynb").unlink(missing_ok=True)
            ws.set_status(StatusRow(learner.id, assignment, "unreadable", message, notes))
            continue
        report.filed[learner.id] = chosen.name
    return report


def _file(ws: Workspace, folder: Path, assignment: str, item: _File | None, notes: list[str]) -> None:
    """Put one learner's notebook in place (replacing an earlier one) and mark it to grade."""
    data = item.read() if item is not None else b""  # first: a damaged upload changes nothing already filed
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    secret = folder / SECRET
    secret.unlink(missing_ok=True)  # an earlier submission's: its feedback must not reach this one
    if item is None:
        target.unlink(missing_ok=True)
    else:
        target.write_bytes(data)
        stamp = item.modified.strftime("%Y-%m-%d %H:%M:%S.%f UTC")
        (folder / TIMESTAMP).write_text(stamp + "\n", encoding="utf-8")
        if item.secret is not None:
            secret.write_text(item.secret, encoding="utf-8")
    ws.set_status(StatusRow(folder.parent.name, assignment, "collected", "", notes))
