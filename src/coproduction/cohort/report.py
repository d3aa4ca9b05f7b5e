"""Where the cohort stands, as an HTML report for its trainers: who has
done what, how scores spread, which parts the cohort finds hardest and
what waits for a trainer, with the course's accessible figures.

It is built from each learner's standing (:mod:`coproduction.cohort.standing`)
and the gradebook's marks, so written answers marked in Formgrader count at
once. Charts show only submissions that were graded: an assignment not
collected yet, or a learner who sent nothing, is left out and the report
says how many, rather than pulling medians down with zeros nobody earned.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from coproduction.cohort.marks import Mark, read_marks
from coproduction.cohort.standing import MEANING, STATUSES, Standing, number, standings
from coproduction.cohort.workspace import Workspace
from coproduction.exercise.notebook import is_going_further, part_names
from coproduction.pages import render

__all__ = ["write_report", "pass_rates", "GRADED"]

#: Statuses whose scores the charts show.
GRADED = frozenset({"blank", "needs review", "autograded", "fully marked", "error"})


def _names(ws: Workspace) -> dict[tuple[str, str], str]:
    """Each graded part's name from the released exercise's headings, by (assignment, part id)."""
    names = {}
    for assignment in ws.assignments:
        path = ws.release(assignment)
        if path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            names.update({(assignment, part): name for part, name in part_names(cells).items()})
    return names


def pass_rates(marks: list[Mark], names: dict[tuple[str, str], str]) -> pd.DataFrame:
    """Each automatically checked part's pass rate over the submissions
    graded, hardest first, with the part's name as the exercise gives it."""
    counts: dict[tuple[str, str], list[int]] = {}
    for mark in marks:
        if mark.kind == "written":
            continue
        passed, seen = counts.setdefault((mark.assignment, mark.part), [0, 0])
        counts[(mark.assignment, mark.part)] = [passed + (mark.score >= mark.max_score), seen + 1]
    frame = pd.DataFrame([{"assignment": a, "part": names.get((a, p), p),
                           "kind": "going further" if is_going_further(p) else "core",
                           "passed": passed, "submissions": seen, "pass rate": passed / seen}
                          for (a, p), (passed, seen) in counts.items()],
                         columns=["assignment", "part", "kind", "passed", "submissions", "pass rate"])
    return frame.sort_values(["pass rate", "assignment", "part"]).reset_index(drop=True)


def _distribution_figure(shown: dict[str, list[float]], left_out: str) -> str:
    from coproduction.plotting import OKABE_ITO, new_figure, show

    names = list(shown)
    fig, ax = new_figure("Score distribution per assignment", width=8, height=0.7 * len(names) + 1.6)
    summary = []
    for row, name in enumerate(names):
        values = pd.Series(shown[name])
        jitter = [((i * 37) % 11 - 5) * 0.03 for i in range(len(values))]  # fixed spread, no randomness
        ax.scatter(values, [row + j for j in jitter], s=22, color=OKABE_ITO["blue"], edgecolor="black",
                   linewidth=0.4, zorder=3)
        ax.plot([values.median()] * 2, [row - 0.3, row + 0.3], color=OKABE_ITO["vermillion"], linewidth=2.5)
        summary.append(f"{name}: {len(values)} graded, median {values.median():.0f}%, lowest {values.min():.0f}%, "
                       f"highest {values.max():.0f}%")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(-3, 103)
    ax.set_xlabel("score, % of the assignment's points (bar: median)")
    return show(fig, alt="Dot plot of each graded learner's score per assignment as a percentage, with the median "
                         f"marked. {'; '.join(summary)}.",
                caption=f"Scores per assignment, one dot per graded submission. {left_out}")._repr_html_()


def _pass_rate_figure(rates: pd.DataFrame) -> str:
    from coproduction.plotting import OKABE_ITO, new_figure, show

    shown = rates.head(15)
    labels = [f"{a} · {p}" for a, p in zip(shown["assignment"], shown["part"])]
    fig, ax = new_figure("Automatically checked parts, hardest first", width=9, height=0.34 * len(shown) + 1.6)
    ax.barh(labels, shown["pass rate"] * 100, color=OKABE_ITO["orange"], edgecolor="black", hatch="//")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded submissions passing")
    alt = "Horizontal bars of pass rates, hardest part first: " + "; ".join(
        f"{label} {rate:.0%}" for label, rate in zip(labels, shown["pass rate"])) + "."
    return show(fig, alt=alt, caption="The share of graded submissions passing each automatically checked part "
                                      "(the 15 hardest).")._repr_html_()


def _table(frame: pd.DataFrame, caption: str) -> Markup:
    from coproduction.plotting import table

    return Markup(table(frame, caption).data)  # pandas escapes every cell and the caption


def _left_out(rows: list[Standing], assignments: list[str]) -> str:
    waiting = Counter(r.status for r in rows if r.status not in GRADED)
    if not waiting:
        return "Every learner's submission of every assignment is graded."
    uncollected = [a for a in assignments if all(r.status == "not collected yet" for r in rows if r.assignment == a)]
    parts = [f"{n} {status}" for status, n in waiting.items() if status != "not collected yet"]
    said = "Not shown: " + (", ".join(parts) if parts else "")
    if uncollected:
        said += ("; " if parts else "") + f"assignments not collected yet: {', '.join(uncollected)}"
    return said + "."


def write_report(ws: Workspace, out: Path) -> Path:
    """Write the cohort report to ``out`` (HTML, figures inline)."""
    marks = read_marks(ws.db_url, ws.assignments)
    rows = standings(ws, marks=marks)
    names = _names(ws)
    learners = [learner.id for learner in ws.learners()]
    graded = [r for r in rows if r.status in GRADED and r.max_score]
    shown = {a: [r.score / r.max_score * 100 for r in graded if r.assignment == a] for a in ws.assignments}
    shown = {a: values for a, values in shown.items() if values}
    left_out = _left_out(rows, ws.assignments)
    by_learner = {(r.learner, r.assignment): r for r in rows}
    scores = pd.DataFrame(
        [[(f"{number(s.score)}/{number(s.max_score)}" if s.scored else s.status)
          for s in (by_learner[(learner, a)] for a in ws.assignments)] for learner in learners],
        index=pd.Index(learners, name="learner"), columns=ws.assignments)
    completion = pd.DataFrame([[by_learner[(learner, a)].status for a in ws.assignments] for learner in learners],
                              index=pd.Index(learners, name="learner"), columns=ws.assignments)
    counts = pd.DataFrame([[sum(1 for r in rows if r.assignment == a and r.status == s) for s in STATUSES]
                           for a in ws.assignments], index=pd.Index(ws.assignments, name="assignment"),
                          columns=list(STATUSES))
    counts = counts.loc[:, (counts != 0).any(axis=0)]
    graded_keys = {(r.learner, r.assignment) for r in graded}
    rates = pass_rates([m for m in marks if (m.learner, m.assignment) in graded_keys], names)
    review = pd.DataFrame([{"learner": r.learner, "assignment": r.assignment, "score": number(r.score),
                            "reason": r.detail.removeprefix("needs review: ")}
                           for r in rows if r.status == "needs review"]).set_index("learner") \
        if any(r.status == "needs review" for r in rows) else None
    errors = pd.DataFrame([{"learner": r.learner, "assignment": r.assignment, "what happened": r.detail}
                           for r in rows if r.status == "error"]).set_index("learner") \
        if any(r.status == "error" for r in rows) else None
    waiting = pd.DataFrame([{"learner": m.learner, "assignment": m.assignment,
                             "part": names.get((m.assignment, m.part), m.part)}
                            for m in marks if not m.marked]).set_index("learner") \
        if any(not m.marked for m in marks) else None
    rate_table = rates.assign(**{"pass rate": (rates["pass rate"] * 100).round(0).astype(int).astype(str) + "%"})
    page = render(
        "report.html.j2", learners=len(learners), assignments=ws.assignments, left_out=left_out,
        when=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        legend=[(status, MEANING[status]) for status in STATUSES],
        # Figures and tables arrive as HTML that plotting has already escaped.
        distribution=Markup(_distribution_figure(shown, left_out)) if shown else None,
        scores=_table(scores, "Each learner's score per assignment (written answers count once a trainer marks them)"),
        pass_rates=Markup(_pass_rate_figure(rates)) if len(rates) else None,
        pass_rate_table=_table(rate_table.set_index("assignment"),
                               "Each automatically checked part's pass rate, hardest first") if len(rates) else None,
        completion=_table(completion, "Each learner's status per assignment"),
        counts=_table(counts, "Learners by status, per assignment"),
        review=_table(review, f"{len(review)} submission(s) to review") if review is not None else None,
        errors=_table(errors, f"{len(errors)} submission(s) with an error") if errors is not None else None,
        waiting=_table(waiting, f"{len(waiting)} written answer(s) to mark in Formgrader")
        if waiting is not None else None)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
