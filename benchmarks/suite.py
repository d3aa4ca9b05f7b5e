"""How long the test suite takes (issue 19): ``python -m benchmarks.suite``
(``make bench-tests``), apart from ``make bench`` because it runs every test.

Times ``make test`` and ``make test-fast`` as the Makefile runs them (tests
in parallel, one worker per core) and, in the same run, the whole suite in
one process as it ran before, so the ratio shows what running in parallel
and making the book and the release once per run buy. Targets on 2 cores:
``make test`` under 6 minutes, ``make test-fast`` under 60 s.

With ``--quick`` only ``make test-fast`` is timed both ways.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import Result

ROOT = Path(__file__).resolve().parents[1]
PARALLEL = ["-n", "auto", "--dist", "loadgroup", "--no-loadscope-reorder"]  # as the Makefile's PARALLEL


def _pytest(*args: str) -> float:
    """Seconds for one pytest run (it must pass)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - start


def run(quick: bool = False) -> list[Result]:
    results: list[Result] = []
    runs = [("test_fast", ["-m", "not slow"], 60.0)] + ([] if quick else [("test", [], 360.0)])
    for name, args, target in runs:
        parallel = _pytest(*PARALLEL, *args)
        print(f"make {name.replace('_', '-')}: {parallel:.0f} s in parallel", flush=True)
        serial = _pytest(*args)
        print(f"make {name.replace('_', '-')}: {serial:.0f} s in one process", flush=True)
        results += [(f"make_{name}_seconds", parallel, "s"), (f"make_{name}_one_process_seconds", serial, "s"),
                    (f"make_{name}_speedup", serial / parallel, "x"), (f"make_{name}_target", target, "s")]
    return results


def main() -> None:
    results = run(quick="--quick" in sys.argv)
    print()
    for name, value, unit in results:
        print(f"{name}: {value:.4g} {unit}")


if __name__ == "__main__":
    main()
