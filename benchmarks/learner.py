"""A learner's progress page (issue 18): the time to build it for a learner
who has done all five exercises, both ways it is built: in a fresh process
(``make progress``, Python starting from nothing) and in a process that
already has the course's libraries loaded (as a notebook kernel has). Two
learners: one who did the core track and the written answers (what
completing the course asks; their answers are plain values, checked without
running the notebook) and an analyst who also wrote the going-further code
(whose notebooks must run, loading pandas and matplotlib). Target: under 2 s.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import Result
from coproduction.progress import write_progress
from tests.submissions.cohort import ASSIGNMENTS, learner_folder



def _time(root: Path) -> tuple[float, float]:
    """Seconds to build the page in a fresh process, and with the libraries already loaded."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coproduction.progress", "--root", str(root)], check=True,
                   stdout=subprocess.DEVNULL)
    fresh = time.perf_counter() - start
    write_progress(root)  # libraries loaded, as in a running kernel
    start = time.perf_counter()
    write_progress(root)
    return fresh, time.perf_counter() - start


def run() -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        for who, kind in (("core_track", "core-only"), ("analyst", "solution")):
            root = learner_folder(Path(tmp) / who, {name: kind for name in ASSIGNMENTS})
            fresh, warm = _time(root)
            print(f"progress page, five exercises done ({who}: {kind}): {fresh:.2f} s in a fresh process, "
                  f"{warm:.2f} s with the libraries loaded", flush=True)
            results += [(f"progress_page_{who}_fresh_process", fresh, "s"),
                        (f"progress_page_{who}_libraries_loaded", warm, "s")]
    return results + [("progress_page_target", 2.0, "s")]


if __name__ == "__main__":
    for result_name, value, unit in run():
        print(f"{result_name}: {value:.4g} {unit}")
