"""Every course notebook top to bottom in a fresh kernel, against the
issues' target of 10 s per module."""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.timing import Result

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 10.0


def notebook_seconds(path: Path) -> float:
    """Wall time to run one notebook in a fresh kernel, start included."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def run() -> list[Result]:
    results: list[Result] = []
    for path in sorted((ROOT / "course").glob("*.ipynb")):
        name = path.stem.split("-", 1)[0]
        seconds = notebook_seconds(path)
        print(f"{path.name}: {seconds:.2f} s (target {TARGET_S} s)")
        results.append((f"module{int(name)}_notebook", seconds, "s"))
        results.append((f"module{int(name)}_notebook_vs_target", seconds / TARGET_S, "x"))
    return results
