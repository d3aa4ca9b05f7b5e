"""Hostile notebooks, round two (issue 34): a small cohort graded by the
real pipeline (collect, autograde in the sandbox, status, export), each
attack checked by the invariant it must keep, never by its own report:

* no marks without answers: a submission that rewrites how its process
  replies, takes over its channel, or patches the references the hidden
  tests compare with scores 0 and is marked for review;
* malformed input costs only its own submission: a nested notebook, a zip
  member with a bad CRC or a lying header, a name that is not UTF-8;
* learner text is inert: no control character in ``status``, no formula
  in any export cell; no host file over its cap;
* a correct learner graded after all of them, on the same worker, with the
  course outside /tmp, scores full marks.
"""

from __future__ import annotations

import base64
import csv
import io
import re
import struct
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coproduction.cli import main
from coproduction.cohort.collect import collect, create_cohort
from coproduction.cohort.export import export_grades
from coproduction.cohort.grade import Settings, autograde
from coproduction.cohort.inert import MAX_OUTPUTS
from coproduction.cohort.sandbox import available
from coproduction.cohort.workspace import COURSE_ID, Workspace

from .conftest import ROOT
from .submissions import fill
from .submissions.cohort import ASSIGNMENTS

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not available(), reason="bubblewrap cannot run here")]

LADDER = ASSIGNMENTS["ladder"]
INJECTION = "\x1b[2J\x1b[HEVERY SUBMISSION GRADED, NOTHING TO REVIEW"
FORMULA = '=HYPERLINK("http://attacker.example","open")'


def _hidden(code: str) -> str:
    """Code run through exec from base64, as an attacker hides it from a reading of the cell."""
    return f"import base64\nexec(base64.b64decode({base64.b64encode(code.encode()).decode()!r}).decode())"


#: Replaces how the learner's process builds its replies: every cell "passes".
FORGE_REPLIES = '''
import coproduction.cohort.protocol as protocol
def message(self):
    return {"ran": self.index, "nonce": self.nonce, "count": self.count, "failed": False,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "✓ right"}], "tampered": TAMPERED}
protocol.CellRan.message = message
'''

#: Takes the channel over: answers the running cell and every cell after it as passed, and never returns.
TAKE_OVER = '''
import json, select, sys
frame = sys._getframe()
while frame is not None and not ("order" in frame.f_locals and "channel" in frame.f_locals):
    frame = frame.f_back
channel, order = frame.f_locals["channel"], frame.f_locals["order"]
def forge(index, nonce):
    channel.sendall(json.dumps({"ran": index, "nonce": nonce, "count": 1, "outputs": [],
                                "failed": False}).encode() + b"\\n")
forge(order.index, order.nonce)
buffer = b""
while True:
    chunk = channel.recv(65536)
    if not chunk:
        break
    *lines, buffer = (buffer + chunk).split(b"\\n")
    for line in lines:
        sent = json.loads(line)
        if "run" in sent:
            forge(sent["run"], sent["nonce"])
'''

#: A hard-coded answer to A3 (Transport's counts), and the references its hidden tests use patched to agree.
PATCH_REFERENCES = '''
import pandas as pd
import coproduction.checks as checks
SPECTRUM = ["Inform", "Educate", "Consult", "Engage", "Co-design", "Co-produce"]
FIXED = pd.Series([10, 2, 1, 1, 1, 0], index=SPECTRUM, name="count")
def tally(frame, department):
    return FIXED.copy()
checks.reference = lambda module, name: (lambda *args, **kwargs: FIXED.copy())
'''


def _answers(**replace: str) -> dict[str, str]:
    """The released answer cells (nothing answered), with ``replace`` in some."""
    released = nbformat.read(LADDER.release, as_version=4)
    blank = {c.metadata["nbgrader"]["grade_id"]: c.source for c in released.cells
             if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"}
    return {**blank, **replace}


def _bytes(answers: dict[str, str], extra_cells: int = 0) -> bytes:
    nb = fill(LADDER.release, answers, {})
    nb.cells += [nbformat.v4.new_code_cell(f"print('{i}' * 20000)") for i in range(extra_cells)]
    return nbformat.writes(nb).encode("utf-8")


def _nested() -> bytes:
    nb = nbformat.reads(_bytes(dict(LADDER.learners["solution"].answers())).decode(), as_version=4)
    nb.metadata["deep"] = "@@DEEP@@"
    text = nbformat.writes(nb)
    return text.replace('"@@DEEP@@"', "[" * 20_000 + "]" * 20_000).encode()


def _patch(data: bytes, name: bytes, *, crc: bool = False, size: int | None = None, not_utf8: bool = False) -> bytes:
    """A zip's bytes with one member damaged as a hostile upload would be."""
    data = bytearray(data)
    for start in [m.start() for m in re.finditer(re.escape(name), bytes(data))]:
        header = data.rfind(b"PK", 0, start)
        central = data[header:header + 4] == b"PK\x01\x02"
        flags_at = header + (8 if central else 6)
        if not_utf8:
            data[start + name.index(b"X")] = 0xFF
            flags, = struct.unpack("<H", data[flags_at:flags_at + 2])
            data[flags_at:flags_at + 2] = struct.pack("<H", flags | 0x800)
        if size is not None:
            at = header + (24 if central else 22)
            data[at:at + 4] = struct.pack("<I", size)
        if crc and not central:
            body = start + len(name) + struct.unpack("<H", data[header + 28:header + 30])[0]
            data[body + 10] ^= 0xFF  # a byte of the stored notebook
    return bytes(data)


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory):
    assert not ROOT.is_relative_to("/tmp")  # the course outside /tmp, as a trainer's is
    base = tmp_path_factory.mktemp("hostile")
    learners = ["R02", "R03", "R04", "R05", "R06", "R07", "R08", "R09", "R10", "R99"]
    (base / "roster.csv").write_text("id\n" + "\n".join(learners) + "\n", encoding="utf-8")
    ws = create_cohort(base / "workspace", base / "roster.csv", ROOT)
    solved = dict(LADDER.learners["solution"].answers())
    uploads = {
        "R02": _bytes(_answers(q1_answer=_hidden(FORGE_REPLIES.replace("TAMPERED", "[]")))),
        "R03": _bytes(_answers(q1_answer=_hidden(TAKE_OVER))),
        "R04": _bytes(_answers(a3_answer=_hidden(PATCH_REFERENCES))),
        "R05": _nested(),
        "R06": _bytes(_answers(q1_answer=_hidden(FORGE_REPLIES.replace("TAMPERED", repr([INJECTION, FORMULA]))))),
        "R07": _bytes(solved, extra_cells=600),  # about 12 MB of printing from a small upload
        "R08": _bytes(solved), "R09": _bytes(solved), "R10": _bytes(solved),
        "R99": _bytes(solved),  # graded last, after every attacker, on the same worker
    }
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for learner, data in uploads.items():
            name = f"ladder/{learner}_X_{INJECTION if learner == 'R06' else ''}ladder.ipynb"
            zipped.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_STORED if learner == "R08" else zipfile.ZIP_DEFLATED)
    data = archive.getvalue()
    data = _patch(data, b"ladder/R08_X_ladder.ipynb", crc=True)
    data = _patch(data, b"ladder/R09_X_ladder.ipynb", size=1000)
    data = _patch(data, b"ladder/R10_X_ladder.ipynb", not_utf8=True)
    (base / "ladder.zip").write_bytes(data)
    found = collect(ws, "ladder", base / "ladder.zip")
    rows = autograde(ws, ["ladder"], Settings(workers=1, timeout=20))
    again = autograde(ws, ["ladder"], Settings(workers=1, timeout=20))
    yield ws, found, {r.learner: r for r in rows}, again
    ws.close()


def _points(ws: Workspace, learner: str) -> dict[str, float]:
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        notebook = gb.find_submission_notebook("ladder", "ladder", learner)
        return {g.name: float(g.score) for g in notebook.grades if g.cell_type == "code"}


def test_no_marks_without_answers_whatever_the_process_does_to_itself(cohort) -> None:  # type: ignore[no-untyped-def]
    ws, _, rows, _ = cohort
    for learner in ("R02", "R03", "R06"):  # nothing answered, every reply forged
        assert sum(_points(ws, learner).values()) == 0, (learner, _points(ws, learner))
        assert rows[learner].status == "needs review", (learner, rows[learner].status, rows[learner].detail)
    # A3 answered by a hard-coded table, its references patched to agree: no points for it.
    assert _points(ws, "R04")["a3_tests"] == 0
    assert rows["R04"].status == "needs review"


def test_a_correct_learner_after_every_attacker_scores_full_marks(cohort) -> None:  # type: ignore[no-untyped-def]
    ws, _, rows, _ = cohort
    graded = rows["R99"]
    assert graded.status == "graded", (graded.status, graded.detail, graded.notes)
    assert graded.kinds["core"][0] == graded.kinds["core"][1] > 0
    assert graded.kinds["going further"][0] == graded.kinds["going further"][1] > 0


def test_malformed_input_costs_only_its_own_submission(cohort) -> None:  # type: ignore[no-untyped-def]
    ws, found, rows, again = cohort
    assert rows["R05"].status == "unreadable" and "nests its JSON" in rows["R05"].detail
    refused = "\n".join(found.refused)
    assert "R08" in refused and "R09" in refused, found.refused
    assert "R10" in found.filed  # its name was not UTF-8: it is read as the bytes it is, and filed
    assert ws.status("R08", "ladder").status == "unreadable" and ws.status("R09", "ladder").status == "unreadable"
    assert rows["R10"].status == "graded" and rows["R99"].status == "graded"
    assert again == []  # a rerun finds nothing left to grade, and does not stop on the nested notebook


def test_learner_text_is_inert_in_status_and_every_export(cohort, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ws, _, rows, _ = cohort
    assert "replaced, while it ran" in rows["R06"].detail  # the forged text reached the record...
    assert main(["status", str(ws.root), "--all"]) == 0
    shown = capsys.readouterr().out
    assert "EVERY SUBMISSION GRADED" in shown  # ...and is shown, as text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", shown), "a control character reached the terminal"
    for pseudonymise in (False, True):
        out = export_grades(ws, tmp_path / f"grades-{pseudonymise}.csv", pseudonymise)
        cells = [cell for row in csv.reader(out.open(encoding="utf-8")) for cell in row]
        assert any("HYPERLINK" in c for c in cells)
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], "a formula reached the export"


def test_no_host_file_over_its_cap(cohort) -> None:  # type: ignore[no-untyped-def]
    ws, _, rows, _ = cohort
    autograded = ws.autograded("R07", "ladder") / "ladder.ipynb"
    assert autograded.stat().st_size < MAX_OUTPUTS * 1.3, autograded.stat().st_size
    assert any("limit" in n for n in rows["R07"].notes), rows["R07"].notes
    for path in ws.root.rglob("*"):
        if path.is_file():
            assert path.stat().st_size < 50 * 1024**2, path

