"""The benchmark suite: ``python -m benchmarks`` (``make bench``).

Each benchmark times the project's way of doing something beside the
alternative (or the issue's target) in the same run and reports the ratio.
Results print last, one per line, as ``name: value unit``. Benchmarks never
run in ``make test``; tests assert behaviour, not wall-clock time.
"""

from __future__ import annotations

import sys

from benchmarks import answering, book, cohort, exercises, learner, notebooks, scenarios, trainer


def main() -> None:
    suites = (notebooks, scenarios, exercises, book, cohort, trainer, learner, answering)
    results = [result for suite in suites for result in suite.run()]
    print()
    for name, value, unit in results:
        print(f"{name}: {value:.4g} {unit}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
