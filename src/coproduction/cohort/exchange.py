"""nbgrader's exchange, for a cohort on a hub: hand out, take in, give back.

On JupyterHub the learners fetch and submit from JupyterLab's Assignments
panel, which moves notebooks through nbgrader's *exchange*, a shared folder::

    <exchange>/<course id>/outbound/<assignment>/        what the trainer handed out
    <exchange>/<course id>/inbound/<learner>+<assignment>+<timestamp>+<random>/
                                                         each submission, with its secret
    <exchange>/<course id>/feedback/<hash>.html          feedback, named by the secret

A cohort created with ``--exchange`` uses it in three places: ``hand-out``
releases the assignments there (nbgrader's own release), ``collect`` with no
zip takes the newest submission of each learner on the roster from the
inbound folder, and ``return-feedback`` puts each feedback page where
nbgrader's "Fetch feedback" looks for it: a file named by the MD5 of the
submission's secret and the notebook's name, so that only the learner who
submitted (and holds the secret in their own cache) can find it.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coproduction.nbgrader_tools import nbgrader

from .workspace import COURSE_ID, CohortError, Workspace, iter_files

__all__ = ["Submitted", "hand_out", "inbound", "return_feedback", "SECRET", "TIMESTAMP", "feedback_name"]

#: The files nbgrader's submit writes beside a submission (and its feedback needs).
SECRET = "submission_secret.txt"
TIMESTAMP = "timestamp.txt"
#: nbgrader's timestamp format, e.g. "2026-12-03 21:05:01.123456 UTC".
_STAMP = "%Y-%m-%d %H:%M:%S.%f %Z"


def _exchange(ws: Workspace) -> Path:
    if ws.exchange is None:
        raise CohortError(f"{ws.root} has no exchange: create the cohort with --exchange on the hub, "
                          "or collect from a zip or folder.")
    return ws.exchange / COURSE_ID


def hand_out(ws: Workspace, assignments: list[str] | None = None) -> list[str]:
    """Release the learners' notebooks to the exchange (nbgrader's own
    release, so the Assignments panel lists them). Returns what was released."""
    names = assignments or ws.assignments
    unknown = [n for n in names if n not in ws.assignments]
    if unknown:
        raise CohortError(f"Unknown assignment {', '.join(unknown)}; this cohort has {', '.join(ws.assignments)}.")
    _exchange(ws)
    for name in names:
        nbgrader("release_assignment", name, "--force", cwd=ws.root)
    return names


@dataclass(frozen=True)
class Submitted:
    """One submission in the exchange's inbound folder."""

    learner: str  # the hub's user name, which is the learner's roster id
    folder: Path
    submitted: datetime

    @property
    def owner(self) -> str | None:
        """The system account that made the submission's folder (None if it has no name)."""
        try:
            return pwd.getpwuid(self.folder.stat().st_uid).pw_name
        except KeyError:
            return None

    def forged_by(self, roster: set[str]) -> str | None:
        """Another roster learner whose account made this submission in this
        learner's name, if the system can tell (where each learner's server runs
        as their own account; in containers every learner is the same account)."""
        owner = self.owner
        return owner if owner in roster and owner.lower() != self.learner.lower() else None

    @property
    def secret(self) -> str | None:
        path = self.folder / SECRET
        if path.is_symlink() or not path.is_file():  # a link could read any file the trainer can
            return None
        return path.read_text(encoding="utf-8")[:1024]  # hashed as written (nbgrader's are 128 characters)


def _when(stamp: str, folder: Path) -> datetime:
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)
    except ValueError:  # not nbgrader's format: the folder's own time
        return datetime.fromtimestamp(folder.stat().st_mtime, timezone.utc)


def inbound(ws: Workspace, assignment: str) -> list[Submitted]:
    """Every submission of ``assignment`` waiting in the exchange, oldest first."""
    folder = _exchange(ws) / "inbound"
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        parts = entry.name.split("+")
        if not entry.is_symlink() and entry.is_dir() and len(parts) >= 3 and parts[1] == assignment:
            found.append(Submitted(parts[0], entry, _when(parts[2], entry)))
    return sorted(found, key=lambda s: s.submitted)


def submission_files(submitted: Submitted) -> list[tuple[str, Path]]:
    """The files a learner submitted, named ``<learner>/<path>`` so the roster matches them."""
    return [(f"{submitted.learner}/{p.relative_to(submitted.folder).as_posix()}", p)
            for p in iter_files(submitted.folder) if p.name not in (SECRET, TIMESTAMP)]


def feedback_name(secret: str, notebook: str) -> str:
    """The file name nbgrader's "Fetch feedback" looks for (its ``notebook_hash``)."""
    return hashlib.md5((secret + notebook).encode("utf-8")).hexdigest() + ".html"


def return_feedback(ws: Workspace, assignments: list[str] | None = None) -> tuple[int, list[str]]:
    """Put every feedback page of a submission that came through the exchange
    where its learner's "Fetch feedback" finds it. Returns how many were
    returned and the learners whose pages could not be (collected another way)."""
    outbound = _exchange(ws) / "feedback"
    outbound.mkdir(parents=True, exist_ok=True)
    os.chmod(outbound, 0o711)  # learners may open a page by its name, not list the others
    returned, skipped = 0, []
    for name in assignments or ws.assignments:
        for page in sorted((ws.root / "feedback").glob(f"*/{name}/{name}.html")):
            secret_file = page.parent / SECRET
            if not secret_file.is_file():
                skipped.append(f"{page.parent.parent.name} ({name}): not submitted through the hub")
                continue
            target = outbound / feedback_name(secret_file.read_text(encoding="utf-8"), name)
            partial = target.with_suffix(".tmp")
            shutil.copyfile(page, partial)
            os.chmod(partial, 0o644)
            partial.replace(target)  # a learner fetching now sees the old page or the new, never half
            returned += 1
    return returned, skipped
