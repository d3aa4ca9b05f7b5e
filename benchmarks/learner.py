"""A learner's progress page (issue 18): the time to build it for a learner
who has done all five exercises (the model answers, written answers
included), both ways it is built: in a fresh process (``make progress``,
Python and pandas starting from nothing) and in a process that already has
the course's libraries loaded (as a notebook kernel running the course has).
Target: under 2 s.
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



def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        root = learner_folder(Path(tmp) / "course", {name: "solution" for name in ASSIGNMENTS})
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "coproduction.progress", "--root", str(root)], check=True,
                       stdout=subprocess.DEVNULL)
        fresh = time.perf_counter() - start
        write_progress(root)  # libraries loaded, as in a running kernel
        start = time.perf_counter()
        write_progress(root)
        warm = time.perf_counter() - start
    print(f"progress page, five exercises done: {fresh:.2f} s in a fresh process, {warm:.2f} s with the "
          "libraries loaded", flush=True)
    return [("progress_page_fresh_process", fresh, "s"), ("progress_page_libraries_loaded", warm, "s"),
            ("progress_page_target", 2.0, "s")]


if __name__ == "__main__":
    for result_name, value, unit in run():
        print(f"{result_name}: {value:.4g} {unit}")
