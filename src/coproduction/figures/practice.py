"""Module 5's figure: a self-assessment profile as a dot plot."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from coproduction.plotting import OKABE_ITO, AccessibleFigure, new_figure, show
from coproduction.practice import RATINGS

__all__ = ["profile_figure"]

# Colour and shape both differ, so the series part in greyscale too; a
# series keeps its look from figure to figure (keyed by its name's last word).
_MARKERS = {"You": ("o", OKABE_ITO["black"]), "staff": ("s", OKABE_ITO["orange"]),
            "partners": ("^", OKABE_ITO["blue"])}


def _describe(series: Mapping[str, pd.Series]) -> str:
    parts = []
    for name, values in series.items():
        parts.append(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in values.items() if pd.notna(v)))
    return "; ".join(parts)


def profile_figure(focus: Mapping[str, pd.Series], levels: Mapping[str, pd.Series],
                   title: str, weakest: list[str] | None = None) -> AccessibleFigure:
    """Dot plot of ratings (1-4) per focus area and per level, one marker per
    series (e.g. "You", "Hub staff", "Hub partners"); weakest areas shaded."""
    # Fixed margins rather than constrained layout: the scenario redraws this
    # on every change, and the labels' extent is known.
    fig, (left, right) = new_figure(title, width=9.0, height=4.6, ncols=2, layout=None)
    fig.subplots_adjust(left=0.15, right=0.98, top=0.80, bottom=0.14, wspace=0.9)
    for ax, data, heading in ((left, focus, "Focus areas"), (right, levels, "Organisational levels")):
        names = list(next(iter(data.values())).index)
        for label, values in data.items():
            marker, colour = _MARKERS.get(label.split()[-1], _MARKERS["You"])
            ax.scatter(values.reindex(names), range(len(names)), marker=marker, s=70, color=colour,
                       edgecolor="black", linewidth=0.6, label=label, zorder=3)
        for i, name in enumerate(names):
            if weakest and name in weakest:
                ax.axhspan(i - 0.45, i + 0.45, color=OKABE_ITO["yellow"], alpha=0.35, zorder=0)
        ax.set_yticks(range(len(names)), names, fontsize=10)
        ax.invert_yaxis()
        ax.set_xlim(0.7, 4.3)
        ax.set_xticks(list(RATINGS), [f"{k}\n{v}" for k, v in RATINGS.items()], fontsize=8)
        ax.grid(axis="x", color="#DDDDDD", zorder=0)
        ax.set_title(heading, fontsize=11)
    if len(focus) > 1:
        left.legend(loc="lower left", bbox_to_anchor=(0, 1.08), ncols=len(focus), fontsize=8, frameon=False)
    alt = (f"Dot plot of self-assessment ratings from 1 (not in place) to 4 (embedded). Focus areas, "
           f"{_describe(focus)}. Organisational levels, {_describe(levels)}."
           + (f" Shaded as weakest: {', '.join(weakest)}." if weakest else ""))
    caption = (f"{title}: ratings from 1 (not in place) to 4 (embedded), weakest areas shaded. The focus "
               "areas and levels are from Co-production: reality; the ratings are a self-assessment or the "
               "fictional hub's, not a measurement of any real organisation.")
    return show(fig, alt=alt, caption=caption)
