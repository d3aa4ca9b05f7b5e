"""Where the cohort stands: a status table for the terminal and an HTML
report built from nbgrader's gradebook with pandas and the course's
accessible figures."""

from __future__ import annotations

import html
import textwrap
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pandas as pd
from nbgrader.api import Grade, Gradebook

from coproduction.cohort.workspace import COURSE_ID, StatusRow, Workspace

__all__ = ["status_table", "grades_frame", "scores_frame", "part_pass_rates", "write_report"]


def status_table(rows: Iterable[StatusRow]) -> str:
    """A plain-text table: one line per submission, notes wrapped below."""
    rows = list(rows)
    if not rows:
        return "No submissions yet."
    lines = [f"{'learner':<14} {'assignment':<12} {'status':<15} {'score':>11}  detail"]
    for row in rows:
        score = f"{row.score:g}/{row.max_score:g}" if row.score is not None and row.max_score else "-"
        lines.append(f"{row.learner:<14} {row.assignment:<12} {row.status:<15} {score:>11}  {row.detail}")
        for note in row.notes:
            lines.extend(textwrap.wrap(note, 100, initial_indent=" " * 16 + "- ", subsequent_indent=" " * 18))
    return "\n".join(lines)


def grades_frame(ws: Workspace) -> pd.DataFrame:
    """Every recorded grade: learner, assignment, part, kind, score, max,
    whether it waits for a trainer."""
    with Gradebook(ws.db_url, COURSE_ID) as gb:
        records = [g.to_dict() for g in gb.db.query(Grade).all()]
    frame = pd.DataFrame.from_records(records, columns=["student", "assignment", "name", "cell_type", "auto_score",
                                                        "manual_score", "max_score", "needs_manual_grade"])
    frame = frame.rename(columns={"student": "learner", "name": "part"})
    frame["kind"] = frame["cell_type"].map({"code": "autograded", "markdown": "written"})
    frame["score"] = frame["manual_score"].fillna(frame["auto_score"]).fillna(0.0)
    return frame


def scores_frame(ws: Workspace, grades: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per roster learner, one column per assignment (0 if nothing was
    submitted), and the total."""
    grades = grades_frame(ws) if grades is None else grades
    table = grades.pivot_table(index="learner", columns="assignment", values="score", aggfunc="sum")
    learners = [ln.id for ln in ws.learners()]
    table = table.reindex(index=learners, columns=ws.assignments).fillna(0.0)
    table["total"] = table.sum(axis=1)
    table.index.name = "learner"
    table.columns.name = None
    return table


def part_pass_rates(grades: pd.DataFrame) -> pd.DataFrame:
    """Each autograded part's pass rate over the submissions that reached it,
    hardest first."""
    auto = grades[grades["kind"] == "autograded"].copy()
    auto["passed"] = auto["auto_score"].fillna(0) >= auto["max_score"]
    rates = auto.groupby(["assignment", "part"]).agg(passed=("passed", "sum"), submissions=("passed", "size"))
    rates["pass rate"] = rates["passed"] / rates["submissions"]
    return rates.sort_values(["pass rate", "assignment", "part"]).reset_index()


def _distribution_figure(scores: pd.DataFrame, maxima: dict[str, float]) -> str:
    from coproduction.plotting import OKABE_ITO, new_figure, show

    names = [a for a in maxima if a in scores.columns]
    fig, ax = new_figure("Score distribution per assignment", width=8, height=0.7 * len(names) + 1.6)
    for row, name in enumerate(names):
        values = scores[name] / maxima[name] * 100 if maxima[name] else scores[name] * 0
        jitter = [((i * 37) % 11 - 5) * 0.03 for i in range(len(values))]  # fixed spread, no randomness
        ax.scatter(values, [row + j for j in jitter], s=22, color=OKABE_ITO["blue"], edgecolor="black",
                   linewidth=0.4, zorder=3)
        ax.plot([values.median()] * 2, [row - 0.3, row + 0.3], color=OKABE_ITO["vermillion"], linewidth=2.5)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlim(-3, 103)
    ax.set_xlabel("score, % of the assignment's points (bar: median)")
    summary = "; ".join(f"{n}: median {(scores[n] / maxima[n] * 100).median():.0f}%, lowest "
                        f"{(scores[n] / maxima[n] * 100).min():.0f}%, highest {(scores[n] / maxima[n] * 100).max():.0f}%"
                        for n in names if maxima[n])
    return show(fig, alt=f"Dot plot of each learner's score per assignment as a percentage, with the "
                                      f"median marked. {summary}.",
                caption="Scores per assignment, one dot per learner (0 where nothing was submitted).")._repr_html_()


def _pass_rate_figure(rates: pd.DataFrame) -> str:
    from coproduction.plotting import OKABE_ITO, new_figure, show

    shown = rates.head(15)
    labels = [f"{a} · {p}" for a, p in zip(shown["assignment"], shown["part"])]
    fig, ax = new_figure("Autograded parts, hardest first", width=8, height=0.32 * len(shown) + 1.6)
    ax.barh(labels, shown["pass rate"] * 100, color=OKABE_ITO["orange"], edgecolor="black", hatch="//")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of submissions passing")
    alt = "Horizontal bars of pass rates, hardest part first: " + "; ".join(
        f"{label} {rate:.0%}" for label, rate in zip(labels, shown["pass rate"])) + "."
    return show(fig, alt=alt, caption="The share of submissions passing each autograded part (the 15 hardest)."
                )._repr_html_()


def _table(frame: pd.DataFrame, caption: str) -> str:
    from coproduction.plotting import table

    return table(frame, caption).data


def write_report(ws: Workspace, out: Path) -> Path:
    """Write the cohort report to ``out`` (HTML, figures inline)."""
    grades = grades_frame(ws)
    scores = scores_frame(ws, grades)
    maxima = (grades.groupby(["assignment", "learner"])["max_score"].sum().groupby("assignment").max()
              .reindex(ws.assignments).fillna(0).to_dict())
    statuses = pd.DataFrame([vars(r) for r in ws.statuses()],
                            columns=["learner", "assignment", "status", "detail", "notes", "score", "max_score",
                                     "digest", "seconds", "updated"])
    completion = statuses.pivot_table(index="learner", columns="assignment", values="status", aggfunc="first")
    completion = completion.reindex(index=[ln.id for ln in ws.learners()], columns=ws.assignments).fillna(
        "not submitted")
    completion.index.name = "learner"
    completion.columns.name = None
    waiting = grades[grades["needs_manual_grade"] & (grades["kind"] == "written")][["learner", "assignment", "part"]]
    counts = statuses.groupby(["assignment", "status"]).size().unstack(fill_value=0) if len(statuses) else statuses
    rates = part_pass_rates(grades)
    review = statuses[statuses["status"] == "needs review"][["learner", "assignment", "score", "detail"]]
    review = review.assign(reason=review["detail"].str.removeprefix("needs review: ")).drop(columns="detail")
    sections = [
        "<h2>Score distribution per assignment</h2>",
        _distribution_figure(scores, maxima) if len(grades) else "<p>No grades yet.</p>",
        _table(scores.round(2), "Scores per learner (written answers count once a trainer marks them)"),
        "<h2>Where the cohort struggles</h2>",
        _pass_rate_figure(rates) if len(rates) else "<p>No autograded parts yet.</p>",
        _table(rates.assign(**{"pass rate": (rates["pass rate"] * 100).round(0).astype(int).astype(str) + "%"})
               .set_index("assignment") if len(rates) else rates, "Each autograded part's pass rate, hardest first"),
        "<h2>Completion by learner</h2>",
        _table(completion, "Each learner's status per assignment"),
        _table(counts, "Submissions by status") if len(statuses) else "",
        "<h2>Submissions that need a trainer's review</h2>",
        "<p>Their code reached into the grading itself (its checks, IPython, Python's builtins, the course's "
        "package, /proc or the grader's channel). They are scored, but look at each before you trust its "
        "score: open the autograded notebook in Formgrader.</p>",
        (_table(review.set_index("learner"), f"{len(review)} submission(s) to review")
         if len(review) else "<p>None.</p>"),
        "<h2>Written answers waiting for a trainer</h2>",
        (_table(waiting.set_index("learner"), f"{len(waiting)} written answer(s) to mark in Formgrader")
         if len(waiting) else "<p>None: every written answer has been marked.</p>"),
    ]
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cohort report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; }}
table {{ border-collapse: collapse; margin: 1rem 0; }} td, th {{ border: 1px solid #999; padding: .2rem .5rem; }}
caption {{ text-align: left; font-weight: bold; padding: .3rem 0; }}
</style></head>
<body><main>
<h1>Cohort report</h1>
<p>{len(scores)} learners, assignments {html.escape(', '.join(ws.assignments))}. Built {when} from the gradebook.
Contains learner data: share it only with the cohort's trainers.</p>
{''.join(sections)}
</main></body></html>
"""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    return out
