"""How fast a learner hears back: "Check my work" and each part's check in
a live kernel, beside nbgrader's Validate, for every exercise with the model
answers. The issue's target is "Check my work" under 1 s per exercise."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.timing import Result
from coproduction.questions import is_going_further
from coproduction.nbgrader_tools import assignments, nbgrader
from tests.submissions import fill, solution_answers

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 1.0


def _grade_id(cell: nbformat.NotebookNode) -> str:
    return str(cell.metadata.get("nbgrader", {}).get("grade_id", ""))


def in_kernel(path: Path) -> tuple[float, list[float]]:
    """Seconds for the Check my work cell, and for each core part's check
    cell, run one at a time in a live kernel after the answers are run."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    checks: list[float] = []
    whole = 0.0
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            start = time.perf_counter()
            client.execute_cell(cell, index)
            seconds = time.perf_counter() - start
            grade_id = _grade_id(cell)
            if grade_id == "check_my_work":
                whole = seconds
            elif grade_id.endswith("_tests") and not is_going_further(grade_id):
                checks.append(seconds)
    return whole, checks


def validate_seconds(path: Path) -> float:
    """Wall time of ``nbgrader validate``, as the toolbar's button runs it."""
    start = time.perf_counter()
    nbgrader("validate", str(path), cwd=path.parent, check=False)
    return time.perf_counter() - start


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in assignments(ROOT):
            path = Path(tmp) / name / f"{name}.ipynb"
            path.parent.mkdir()
            nbformat.write(fill(ROOT / "exercises" / name / f"{name}.ipynb", solution_answers(name)(), {}), path)
            whole, checks = in_kernel(path)
            validate = validate_seconds(path)
            print(f"{name}: Check my work {whole * 1000:.0f} ms (target {TARGET_S:g} s); each core check "
                  f"median {statistics.median(checks) * 1000:.0f} ms, slowest {max(checks) * 1000:.0f} ms; "
                  f"Validate {validate:.1f} s")
            results += [
                (f"{name}_check_my_work", whole * 1000, "ms"),
                (f"{name}_check_my_work_vs_target", whole / TARGET_S, "x"),
                (f"{name}_core_check_median", statistics.median(checks) * 1000, "ms"),
                (f"{name}_core_check_slowest", max(checks) * 1000, "ms"),
                (f"{name}_validate", validate, "s"),
                (f"{name}_validate_vs_check_my_work", validate / whole, "x"),
            ]
    return results


if __name__ == "__main__":
    for result in run():
        print(f"{result[0]}: {result[1]:.4g} {result[2]}")
