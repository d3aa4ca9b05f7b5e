"""Certificates of completion, and checking them.

A learner completes the course under the trainer's rule: every assignment
fully marked (nothing waiting, blank, in error or under review) and at least
a share of the core track's and written answers' points (the optional
"going further" parts never count against anyone). Each certificate is an
accessible HTML page, with a PDF printed from it by the system's Chromium,
naming the course, the modules with their dates and estimated hours, and a
verification code.

The code is a keyed hash (HMAC-SHA256 with the workspace's own key) of what
the certificate says, so it carries no learner data and cannot be made
without the workspace; ``coproduction verify`` recomputes it from the
workspace's register of issued certificates and accepts only an exact match.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from coproduction.cohort.standing import Standing, number, standings
from coproduction.cohort.workspace import CohortError, Workspace
from coproduction.modules import course_modules as modules_of
from coproduction.pages import render
from coproduction.printing import PrintError, chromium, print_pdf

__all__ = ["Rule", "ModuleLine", "Certificate", "course_modules", "assess", "issue_certificates", "verify",
           "COURSE_TITLE"]

COURSE_TITLE = "Co-production in Practice"
CODE_PATTERN = re.compile(r"CIP(?:-[A-Z2-7]{4}){5}")


@dataclass(frozen=True)
class Rule:
    """What completing the course means for this cohort."""

    min_share: float = 0.6  # of the core track's and written answers' points, over every assignment
    fully_marked: bool = True  # every assignment's written answers marked

    def __post_init__(self) -> None:
        if not 0 <= self.min_share <= 1:
            raise CohortError(f"The share of points must be between 0 and 100%, not {self.min_share:.0%}.")

    def describe(self) -> str:
        marked = "fully marked" if self.fully_marked else "graded (written answers marked or not)"
        return (f"every assignment submitted and {marked}, none blank, in error or under review, and at least "
                f"{self.min_share:.0%} of the core track's and written answers' points")


@dataclass(frozen=True)
class ModuleLine:
    """One module as a certificate lists it."""

    name: str  # "1. The ladder"
    minutes: int  # reading and scenarios, plus the exercise's core track and written answers
    assignment: str | None


def course_modules(ws: Workspace) -> list[ModuleLine]:
    """The course's modules, each with its exercise's own time estimate added."""
    try:
        found = modules_of(ws.course)
    except ValueError as err:
        raise CohortError(str(err)) from None
    if not found:
        raise CohortError(f"No module notebooks in {ws.course / 'course'}: is the course still there? "
                          "(cohort.json names where the cohort's course is.)")
    modules = []
    for module in found:
        assignment = module.exercise if module.exercise in ws.assignments else None
        minutes = module.total_minutes(ws.release(assignment) if assignment else None)
        modules.append(ModuleLine(module.name, minutes, assignment))
    return modules


@dataclass
class Certificate:
    learner: str
    name: str
    issued: str  # ISO date
    modules: list[tuple[str, str]]  # (module, completed on: ISO date, or "" for a module without an exercise)
    hours: float
    share: float
    code: str = ""


@dataclass
class Assessment:
    complete: list[Certificate] = field(default_factory=list)
    incomplete: dict[str, list[str]] = field(default_factory=dict)  # learner -> why not yet


def _counted(standing: Standing) -> tuple[float, float]:
    pairs = [standing.kind(k) for k in ("core", "written")]
    return sum(p[0] for p in pairs if p), sum(p[1] for p in pairs if p)


def _submitted_on(ws: Workspace, learner: str, assignment: str) -> str:
    stamp = ws.submitted(learner, assignment) / "timestamp.txt"
    if stamp.is_file():
        return stamp.read_text(encoding="utf-8")[:10]
    row = ws.status(learner, assignment)
    return row.updated[:10] if row and row.updated else ""


def _code(key: str, certificate: Certificate) -> str:
    """The keyed hash of everything the certificate states, as a code people can read out."""
    said = json.dumps({k: v for k, v in asdict(certificate).items() if k != "code"}, sort_keys=True)
    digest = hmac.new(key.encode(), said.encode("utf-8"), hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode("ascii")[:20]
    return "CIP-" + "-".join(letters[i:i + 4] for i in range(0, 20, 4))


def assess(ws: Workspace, rule: Rule, today: str | None = None) -> Assessment:
    """Who completes the course under ``rule``, and why each other learner does not yet."""
    today = today or datetime.now(timezone.utc).date().isoformat()
    modules = course_modules(ws)
    hours = round(sum(m.minutes for m in modules) / 60, 1)
    rows: dict[str, list[Standing]] = {}
    for standing in standings(ws):
        rows.setdefault(standing.learner, []).append(standing)
    names = {ln.id: " ".join(p for p in (ln.first_name, ln.last_name) if p) or ln.id for ln in ws.learners()}
    result = Assessment()
    for learner, theirs in rows.items():
        reasons = []
        for standing in theirs:
            if standing.status == "fully marked" or (standing.status == "autograded" and not rule.fully_marked):
                continue
            why = standing.status if standing.status != "autograded" else \
                f"{standing.to_mark} written answer(s) still to mark"
            reasons.append(f"{standing.assignment}: {why}")
        got = [_counted(s) for s in theirs]
        earned, possible = sum(g for g, _ in got), sum(p for _, p in got)
        share = earned / possible if possible else 0.0
        if share < rule.min_share:
            reasons.append(f"{share:.0%} of the core track's and written answers' points, below the "
                           f"{rule.min_share:.0%} the rule asks")
        if reasons:
            result.incomplete[learner] = reasons
            continue
        done = {s.assignment: _submitted_on(ws, learner, s.assignment) for s in theirs}
        listed = [(m.name, done.get(m.assignment, "") if m.assignment else "") for m in modules]
        result.complete.append(Certificate(learner, names[learner], today, listed, hours, round(share, 3)))
    return result


def _page(certificate: Certificate) -> str:
    return render("certificate.html.j2", name=certificate.name, course=COURSE_TITLE, modules=certificate.modules,
                  hours=number(certificate.hours), share=f"{certificate.share:.0%}", issued=certificate.issued,
                  code=certificate.code)


def _register(ws: Workspace) -> Path:
    return ws.root / "certificates" / "issued.json"


def issue_certificates(ws: Workspace, rule: Rule, pdf: bool = True, today: str | None = None) -> Assessment:
    """Write a certificate (HTML, and PDF when ``pdf``) for every learner who
    completes the course under ``rule``, and record each in the workspace's
    register; return who completes and why the others do not yet."""
    result = assess(ws, rule, today)
    if pdf and chromium() is None:
        raise CohortError("PDF certificates need Chromium (apt-get install chromium, or set "
                          "COPRODUCTION_CHROMIUM); run with --no-pdf for HTML only.")
    folder = ws.root / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    register_path = _register(ws)
    register = json.loads(register_path.read_text(encoding="utf-8")) if register_path.is_file() else {}
    for certificate in result.complete:
        certificate.code = _code(ws.pseudonym_key, certificate)
        page = folder / f"{certificate.learner}.html"
        page.write_text(_page(certificate), encoding="utf-8")
        if pdf:
            try:
                print_pdf(page, page.with_suffix(".pdf"))
            except PrintError as err:
                raise CohortError(str(err)) from None
        register[certificate.code] = asdict(certificate)
    partial = register_path.with_suffix(".partial")
    partial.write_text(json.dumps(register, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    partial.replace(register_path)
    return result


def verify(ws: Workspace, code: str) -> Certificate | None:
    """The certificate ``code`` belongs to, if this workspace issued it and
    nothing in it has changed since; otherwise None."""
    code = code.strip().upper()
    if not CODE_PATTERN.fullmatch(code) or not _register(ws).is_file():
        return None
    found = json.loads(_register(ws).read_text(encoding="utf-8")).get(code)
    if found is None:
        return None
    certificate = Certificate(**{**found, "modules": [tuple(m) for m in found["modules"]]})
    return certificate if hmac.compare_digest(_code(ws.pseudonym_key, certificate), code) else None
