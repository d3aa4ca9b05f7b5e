"""Module 3's figures: input across the spectrum, and a plan's budget."""

from __future__ import annotations

from functools import lru_cache

from coproduction.investment import INPUT_ACROSS_SPECTRUM, INPUT_MEASURES, Budget
from coproduction.ladder import SPECTRUM_ORDER
from coproduction.plotting import OKABE_ITO, PALETTE, AccessibleFigure, new_figure, show

__all__ = ["input_figure", "budget_figure"]

_HATCHES = ("", "//", "..", "xx")


@lru_cache(maxsize=8)
def input_figure(highlight: str | None = None) -> AccessibleFigure:
    """Grouped bars of the four inputs for each spectrum type."""
    fig, ax = new_figure("Input across the Spectrum of Participation", width=8.5, height=4.4)
    width = 0.2
    for i, (measure, colour, hatch) in enumerate(zip(INPUT_MEASURES, PALETTE, _HATCHES)):
        values = [INPUT_ACROSS_SPECTRUM[t][i] for t in SPECTRUM_ORDER]
        ax.bar([x + (i - 1.5) * width for x in range(len(SPECTRUM_ORDER))], values, width=width,
               color=colour, hatch=hatch, edgecolor="black", label=measure)
    ax.set_xticks(range(len(SPECTRUM_ORDER)), SPECTRUM_ORDER)
    ax.set_yticks(range(5), ["none", "a little", "some", "a lot", "most"])
    ax.set_ylim(0, 4.6)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    if highlight:
        x = SPECTRUM_ORDER.index(highlight)
        ax.axvspan(x - 0.5, x + 0.5, color=OKABE_ITO["yellow"], alpha=0.25, zorder=0)
    rows = "; ".join(
        f"{t}: " + ", ".join(f"{m} {v}" for m, v in zip(INPUT_MEASURES, INPUT_ACROSS_SPECTRUM[t]))
        for t in SPECTRUM_ORDER
    )
    alt = (
        "Grouped bar chart on a scale of 0 (none) to 4 (most), one group per spectrum type from Inform to "
        f"Co-produce, four bars each. {rows}. All four rise together along the spectrum."
        + (f" {highlight} is shaded." if highlight else "")
    )
    caption = (
        "Input from the system, into people and from people, and the strength of the relationship, "
        "across the spectrum: the course's own drawing after peoplehub's description (© peoplehub); "
        "the heights are relative, not measured."
    )
    return show(fig, alt=alt, caption=caption)


def budget_figure(result: Budget, title: str) -> AccessibleFigure:
    """Horizontal bars of a plan's budget lines."""
    lines = [(k, v) for k, v in result.breakdown.items()]
    fig, ax = new_figure(title, width=8.0, height=3.8)
    ax.barh([k for k, _ in lines], [v for _, v in lines], color=OKABE_ITO["blue"], edgecolor="black")
    ax.invert_yaxis()
    ax.set_xlabel("GBP")
    for i, (_, value) in enumerate(lines):
        ax.text(value, i, f" £{value:,.0f}", va="center", fontsize=9)
    ax.set_xlim(0, max(v for _, v in lines) * 1.25 or 1)
    alt = (f"Horizontal bar chart of the plan's budget lines, total £{result.total:,.0f}: "
           + "; ".join(f"{k} £{v:,.0f}" for k, v in lines) + ".")
    caption = f"{title}: what each part of the plan costs, at the rates entered."
    return show(fig, alt=alt, caption=caption)
