"""A learner's progress through the course, from their own saved work.

For each module's exercise in ``my-work/``, the page shows which
automatically checked parts pass now, how many words each written answer
has, and an overall bar with the next step to take. The parts are checked
as Check my work and Validate check them: the learner's saved notebook is
run here, in this process, cell by cell (their own work on their own
machine, so it is not sandboxed), and each part's visible check is run
against what it left. When a learner has written only the core track's
answers (plain values between quotes, a number, a list), those values are
read from the saved cells and checked directly, with the same checks,
without running the notebook or loading the analysts' libraries. Nothing
is sent anywhere.

Usage: ``python -m coproduction.progress`` (``make progress``) writes
``my-work/my-progress.html``.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coproduction.learner import (CPD_QUESTIONS, WORK_FOLDER, course_root, exercise_names, own_copy,
                                  read_reflections, reflections_file, released)
from coproduction.modules import course_modules
from coproduction.exercise.notebook import cell_source, is_going_further, part_name
from coproduction.exercise.report import Report, check_notebook
from coproduction.pages import render

__all__ = ["ExerciseProgress", "exercise_progress", "course_progress", "reflections_answered", "progress_page",
           "write_progress", "main"]

#: What a written answer's cell holds until the learner writes in it.
_UNWRITTEN = "YOUR ANSWER HERE"


@dataclass
class ExerciseProgress:
    """Where a learner stands on one module's exercise."""

    module: str  # "1. The ladder"
    exercise: str
    present: bool
    report: Report | None = None
    written: list[tuple[str, int]] = field(default_factory=list)  # (part, words)
    core_parts: int = 0  # how many automatically checked core parts the exercise has

    @property
    def core(self) -> tuple[int, int]:
        rows = [r for r in self.report.rows if not r.optional] if self.report else []
        return sum(r.state == "right" for r in rows), self.core_parts

    @property
    def further(self) -> tuple[int, int]:
        rows = [r for r in self.report.rows if r.optional] if self.report else []
        return sum(r.state == "right" for r in rows), len(rows)

    @property
    def done(self) -> bool:
        passed, total = self.core
        return self.present and total > 0 and passed == total and all(words for _, words in self.written)


def _runnable(code: str) -> str:
    """The cell as plain Python: magics and shell lines become no-ops."""
    return "\n".join(("pass" if line.lstrip().startswith(("%", "!")) else line) for line in code.splitlines())


def _run_saved(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Run the notebook's own cells as saved (not its checks), quietly, and
    return what they leave; a cell that fails is skipped, as a learner's
    unfinished cell would be."""
    import matplotlib

    matplotlib.use("Agg")  # figures are drawn, never shown
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        if meta.get("grade_id") == "check_my_work" or meta.get("grade_id", "").endswith("_check"):
            continue
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                exec(compile(_runnable(cell_source(cell)), "<your notebook>", "exec"), namespace)  # noqa: S102
            except BaseException as err:  # noqa: BLE001 - a learner's cell may fail in any way; it counts as not passing
                if isinstance(err, KeyboardInterrupt):
                    raise
    import matplotlib.pyplot as plt

    plt.close("all")
    return namespace


def _written(cells: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each written answer's part and how many words it has."""
    found = []
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and meta.get("solution"):
            text = cell_source(cell).replace(_UNWRITTEN, "")
            # Words as a word processor counts them: runs between spaces that hold a letter or digit.
            found.append((part_name(cells, index), sum(any(ch.isalnum() for ch in t) for t in text.split())))
    return found


def _core_parts(cells: list[dict[str, Any]]) -> int:
    return sum(1 for c in cells if c.get("cell_type") == "code"
               and c.get("metadata", {}).get("nbgrader", {}).get("grade")
               and not c["metadata"]["nbgrader"].get("solution")
               and not is_going_further(str(c["metadata"]["nbgrader"].get("grade_id", ""))))


def _analyst_code(cells: list[dict[str, Any]], given: list[dict[str, Any]]) -> bool:
    """Whether the learner changed any going-further cell from its release:
    only then are the notebook's cells run (the core track is read from its
    answer cells, as grading reads it, without running anything)."""
    released_sources = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id"): cell_source(c) for c in given}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(meta.get("grade_id", ""))
        if cell.get("cell_type") == "code" and meta.get("solution") and is_going_further(grade_id) \
                and cell_source(cell).strip() != released_sources.get(grade_id, "").strip():
            return True
    return False


def exercise_progress(root: Path, name: str, module: str = "") -> ExerciseProgress:
    """Check the learner's saved copy of exercise ``name``: its answers read as
    plain values when they are only the core track's, else its cells run."""
    path = own_copy(root, name)
    given = json.loads(released(root, name).read_text(encoding="utf-8"))["cells"]
    if not path.is_file():
        return ExerciseProgress(module or name, name, False, None, _written(given), _core_parts(given))
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    if _analyst_code(cells, given):
        report = check_notebook(name, _run_saved(cells), path)
    else:  # the same checks, without loading the analysts' libraries
        report = check_notebook(name, {}, path, core_only=True)
    return ExerciseProgress(module or name, name, True, report, _written(cells), _core_parts(cells))


def course_progress(root: Path | None = None) -> list[ExerciseProgress]:
    root = root or course_root()
    modules = {m.exercise: m.name for m in course_modules(root) if m.exercise}
    names = sorted(exercise_names(root), key=lambda n: modules.get(n, n))
    return [exercise_progress(root, name, modules.get(name, name)) for name in names]


def reflections_answered(root: Path) -> list[tuple[str, int, int, str]]:
    """Per module: its name, how many of its reflection headings the learner
    has written under, how many there are, and the page's path in the course."""
    found = []
    for module in course_modules(root):
        page = reflections_file(root, module)
        if module.reflect:
            answers = read_reflections(page)
            total = len(module.reflect) + len(CPD_QUESTIONS)
            found.append((module.name, sum(1 for text in answers.values() if text), total,
                          page.relative_to(root).as_posix()))
    return found


def _next_step(progress: list[ExerciseProgress]) -> dict[str, Any]:
    """What the learner should do next, for the page to say."""
    for item in progress:
        path = f"{WORK_FOLDER}/{item.exercise}/{item.exercise}.ipynb"
        if not item.present:
            return {"kind": "start", "module": item.module}
        if not item.done:
            passed, total = item.core
            if passed < total:
                return {"kind": "core", "module": item.module, "path": path, "left": total - passed}
            return {"kind": "written", "module": item.module, "path": path}
    return {"kind": "done"}


_NOW = {"right": "passes", "wrong": "not right yet", "unanswered": "not answered yet"}


def progress_page(progress: list[ExerciseProgress],
                  reflections: list[tuple[str, int, int, str]] | None = None) -> str:
    """The progress page (HTML, accessible, nothing loaded from anywhere)."""
    core_done = sum(p.core[0] for p in progress)
    core_all = sum(p.core[1] for p in progress)
    written_done = sum(1 for p in progress for _, words in p.written if words)
    written_all = sum(len(p.written) for p in progress)
    steps_done, steps_all = core_done + written_done, core_all + written_all
    exercises = [{
        "module": item.module, "present": item.present, "passed": item.core[0], "total": item.core[1],
        "done": item.done, "path": f"{WORK_FOLDER}/{item.exercise}/{item.exercise}.ipynb", "written": item.written,
        "rows": [{"title": row.title, "optional": row.optional, "now": _NOW[row.state], "message": row.message}
                 for row in (item.report.rows if item.report else ())],
    } for item in progress]
    return render("progress.html.j2", done=steps_done, steps=steps_all,
                  share=round(100 * steps_done / steps_all) if steps_all else 0, next=_next_step(progress),
                  exercises=exercises, folder=WORK_FOLDER, reflections=reflections or [])


def write_progress(root: Path | None = None) -> Path:
    root = root or course_root()
    out = root / WORK_FOLDER / "my-progress.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(progress_page(course_progress(root), reflections_answered(root)), encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    root = Path(args[1]).resolve() if args[:1] == ["--root"] and len(args) > 1 else None
    out = write_progress(root)
    print(f"Your progress page: {out} (open it in JupyterLab's file browser, or in a web browser).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
