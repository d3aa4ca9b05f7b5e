"""Module 1: the notebook top to bottom, and the scenarios' redraw latency.

Targets (issue 3): notebook under 10 s; scenario p95 under 150 ms.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from benchmarks.timing import Result, summary, time_calls
from coproduction.figures import ladder as figures
from coproduction.widgets import ladder_explorer, portfolio_explorer

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "course" / "01-the-ladder.ipynb"
INTERACTIONS = 100
NOTEBOOK_TARGET_S = 10.0
SCENARIO_TARGET_MS = 150.0


def notebook_seconds() -> float:
    """Wall time to run the module's notebook in a fresh kernel, start included."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return time.perf_counter() - start


# A learner's session: each interaction changes one control, as a click would.
_LADDER_MOVES = [
    ("answer_sought", "open views"), ("method_decided_by", "together"), ("sessions", 6),
    ("objective_set_by", "together"), ("decision_made", True), ("decision_made", False),
    ("answer_sought", "yes or no"), ("participants", 12), ("answer_sought", "understanding"),
    ("objective_set_by", "organisation"), ("method_decided_by", "organisation"), ("answer_sought", "none"),
    ("sessions", 0), ("sessions", 2),
]


def ladder_interactions(cold: bool) -> list[float]:
    """Redraw latency of "Where does this activity sit?" (callback and redraw).

    ``cold`` clears the figure cache before every interaction: the cost of
    redrawing without reusing rendered figures, the alternative measured.
    """
    scenario = ladder_explorer()

    def act(i: int) -> None:
        if cold:
            figures._ladders_figure.cache_clear()
        name, value = _LADDER_MOVES[i % len(_LADDER_MOVES)]
        control = scenario.controls[name]
        if control.value == value:  # make every interaction a real change
            value = {True: False, False: True}.get(value, value) if isinstance(value, bool) else value + 1
        control.value = value
        assert scenario.output.value

    return time_calls(act, INTERACTIONS)


def portfolio_interactions() -> list[float]:
    """Redraw latency of "A county's engagement portfolio"."""
    scenario = portfolio_explorer()
    options = list(scenario.controls["department"].options)

    def act(i: int) -> None:
        if i % 3 == 2:
            scenario.controls["min_levels_over"].value = 1 + (i % 4)
        else:
            scenario.controls["department"].value = options[(i + 1) % len(options)]

    return time_calls(act, INTERACTIONS)


def run() -> list[Result]:
    results: list[Result] = []
    seconds = notebook_seconds()
    print(f"module 1 notebook: {seconds:.2f} s (target {NOTEBOOK_TARGET_S} s)")
    results.append(("module1_notebook", seconds, "s"))
    results.append(("module1_notebook_vs_target", seconds / NOTEBOOK_TARGET_S, "x"))

    warm = summary("ladder_scenario", ladder_interactions(cold=False))
    cold = summary("ladder_scenario_uncached", ladder_interactions(cold=True))
    portfolio = summary("portfolio_scenario", portfolio_interactions())
    results += warm + cold + portfolio
    results.append(("ladder_scenario_p95_vs_uncached", warm[1][1] / cold[1][1], "x"))
    results.append(("ladder_scenario_p95_vs_target", warm[1][1] / SCENARIO_TARGET_MS, "x"))
    results.append(("portfolio_scenario_p95_vs_target", portfolio[1][1] / SCENARIO_TARGET_MS, "x"))
    return results
