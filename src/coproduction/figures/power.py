"""Module 2's figures: the reflection table, the meeting model's outcome and
representation ratios. Each returns an accessible, rendered figure."""

from __future__ import annotations

import textwrap
from functools import lru_cache

import pandas as pd
from matplotlib.patches import Rectangle

from coproduction.plotting import OKABE_ITO, AccessibleFigure, new_figure, show
from coproduction.power import (
    DELIVERY_ROLES,
    DESIGN_ROLES,
    ROLES,
    WHO,
    Cell,
    MeetingOutcome,
    reflection_cell,
)

__all__ = ["reflection_figure", "meeting_figure", "representation_figure"]

# Shade by how much people hold (0 to 4 steps away from professionals alone):
# the more shared or held by people, the darker the blue. Text stays black.
_SHADES = ("#FFFFFF", "#E8F1F9", "#D1E4F3", "#B9D6ED", "#A2C8E7")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))


def reflection_figure(highlight: Cell | None = None) -> AccessibleFigure:
    """The three-by-three table of who designs and who delivers."""
    key = (highlight.design, highlight.delivery) if highlight else None
    return _reflection_figure(key)


@lru_cache(maxsize=16)
def _reflection_figure(key: tuple[str, str] | None) -> AccessibleFigure:
    fig, ax = new_figure("Who designs, who delivers?", width=8.5, height=6.2, layout=None)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.92, bottom=0.02)
    for col, design in enumerate(WHO):
        ax.text(col + 0.5, 3.08, _wrap(DESIGN_ROLES[design], 24), ha="center", va="bottom", fontsize=9,
                fontweight="bold")
        for row, delivery in enumerate(WHO):
            cell = reflection_cell(design, delivery)
            y = 2 - row
            marked = key == (design, delivery)
            ax.add_patch(Rectangle((col, y), 1, 1, facecolor=_SHADES[col + row],
                                   edgecolor=OKABE_ITO["black"], linewidth=3.5 if marked else 0.8))
            ax.text(col + 0.5, y + 0.5, _wrap(cell.name, 22), ha="center", va="center", fontsize=8.5,
                    fontweight="bold" if marked or cell.name == "Full co-production" else "normal")
    for row, delivery in enumerate(WHO):
        ax.text(-0.05, 2 - row + 0.5, _wrap(DELIVERY_ROLES[delivery], 22), ha="right", va="center",
                fontsize=9, fontweight="bold")
    ax.text(1.5, 3.62, "Responsibility for design (planning)", ha="center", fontsize=10, style="italic")
    ax.text(-0.95, 1.5, "Responsibility for delivery", rotation=90, ha="center", va="center", fontsize=10,
            style="italic")
    ax.set_xlim(-1.05, 3.02)
    ax.set_ylim(-0.02, 3.8)
    ax.axis("off")
    alt = (
        "A three-by-three grid. Columns, left to right, are who is responsible for design: professionals "
        "as sole planners, professionals and people as co-planners, no professional input. Rows, top to "
        "bottom, are who delivers: professionals alone, professionals and people as co-deliverers, people "
        "and communities alone. Top row: traditional professional service provision; professional "
        "provision with users involved in planning; professionals as sole deliverers. Middle row: user "
        "co-delivery of professionally designed services; full co-production in the centre; community "
        "delivery with little professional input. Bottom row: community delivery of professionally "
        "planned services; community delivery of co-planned services; self-organised community provision. "
        "Cells shade darker as people hold more."
    )
    if key:
        cell = reflection_cell(*key)
        alt += f" The cell '{cell.name}' is outlined."
    caption = (
        "The reflection table of who designs and who delivers, redrawn from Humber Teaching NHS "
        "Foundation Trust's guidance; it closely resembles Bovaird's (2007) typology."
    )
    return show(fig, alt=alt, caption=caption)


def meeting_figure(outcome: MeetingOutcome) -> AccessibleFigure:
    """Seat share against floor share, and adoption rate, by role."""
    t = outcome.table
    fig, (left, right) = new_figure(f"Around the table: {outcome.meetings} simulated meetings",
                                    width=8.5, height=3.6, layout=None, ncols=2)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.84, bottom=0.24, wspace=0.3)
    x = range(len(ROLES))
    names = [role.replace(" ", "\n") for role in ROLES]
    left.bar([i - 0.2 for i in x], t["seat share"], width=0.4, color=OKABE_ITO["sky blue"],
             edgecolor="black", label="share of seats")
    left.bar([i + 0.2 for i in x], t["floor share"], width=0.4, color=OKABE_ITO["blue"], hatch="//",
             edgecolor="black", label="share of the floor")
    left.set_xticks(list(x), names)
    left.set_ylim(0, 1)
    left.set_ylabel("share")
    left.legend(loc="upper right", ncol=1, frameon=False, fontsize=8)
    right.bar(list(x), t["adoption rate"], width=0.55, color=OKABE_ITO["orange"], edgecolor="black")
    right.set_xticks(list(x), names)
    right.set_ylim(0, 1)
    right.set_ylabel("proposals adopted / made")
    alt = (
        "Two bar charts by role (professional, lived experience, carer). Left, share of seats against "
        "share of the floor: " + "; ".join(
            f"{r} {t.loc[r, 'seat share']:.0%} of seats and {t.loc[r, 'floor share']:.0%} of the floor"
            for r in ROLES) + ". Right, the share of their proposals adopted: " + "; ".join(
            f"{r} {t.loc[r, 'adoption rate']:.0%}" for r in ROLES) + "."
    )
    caption = (
        "The toy meeting model's outcome (fictional; it shows direction and trade-offs, not predictions)."
    )
    return show(fig, alt=alt, caption=caption)


def representation_figure(frame: pd.DataFrame, body: str, threshold: float) -> AccessibleFigure:
    """Representation ratio of each group on a body, with the threshold."""
    # Fixed margins rather than a layout engine: the scenario redraws this often.
    fig, ax = new_figure(f"Who is at the table? {body}", width=8.0, height=4.6, layout=None)
    fig.subplots_adjust(left=0.27, right=0.98, top=0.92, bottom=0.12)
    labels = [f"{d}: {g}" for d, g in zip(frame["dimension"], frame["group"])]
    colours = [OKABE_ITO["orange"] if u else OKABE_ITO["blue"] for u in frame["under_represented"]]
    markers = ["v" if u else "o" for u in frame["under_represented"]]
    for i, (ratio, colour, marker) in enumerate(zip(frame["ratio"], colours, markers)):
        ax.plot([0, ratio], [i, i], color="#999999", linewidth=1)
        ax.plot(ratio, i, marker=marker, color=colour, markersize=9, markeredgecolor="black")
    ax.axvline(1.0, color=OKABE_ITO["black"], linewidth=1, label="seats match the people served")
    ax.axvline(threshold, color=OKABE_ITO["orange"], linestyle="--", linewidth=1.5,
               label=f"threshold {threshold:g}")
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlabel("representation ratio (share of seats ÷ share of people served)")
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    flagged = [label for label, u in zip(labels, frame["under_represented"]) if u]
    alt = (
        f"A dot plot of representation ratios on the {body}, one row per group. "
        + "; ".join(f"{label} {ratio:.2f}" for label, ratio in zip(labels, frame["ratio"]))
        + f". Below the threshold of {threshold:g}, marked with downward triangles: "
        + (", ".join(flagged) if flagged else "none") + "."
    )
    caption = (
        f"{body} (fictional): each group's share of seats divided by its share of the people the "
        f"service serves. A ratio of 1 is a match; groups under {threshold:g} are flagged."
    )
    return show(fig, alt=alt, caption=caption)
