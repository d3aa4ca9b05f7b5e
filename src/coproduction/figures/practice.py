"""Module 5's figure: a self-assessment profile as a dot plot.

The scenario redraws it on every change, and almost all of a full redraw is
the fixed part: axes, labels, titles and legend. So the fixed part is drawn
once per set of series and kept as a background; each redraw restores it and
draws only the dots and the shading (matplotlib's blitting).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
import numpy as np
import pandas as pd

from coproduction.plotting import OKABE_ITO, AccessibleFigure, draw, new_figure, show_image, snapshot
from coproduction.practice import FOCUS_AREAS, LEVELS, RATINGS

__all__ = ["profile_figure"]

# Colour and shape both differ, so the series part in greyscale too; a
# series keeps its look from figure to figure (keyed by its name's last word).
_MARKERS = {"You": ("o", OKABE_ITO["black"]), "staff": ("s", OKABE_ITO["orange"]),
            "partners": ("^", OKABE_ITO["blue"])}
_ROWS = (tuple(FOCUS_AREAS), tuple(LEVELS))


def _describe(series: Mapping[str, pd.Series]) -> str:
    parts = []
    for name, values in series.items():
        parts.append(f"{name}: " + ", ".join(f"{k} {v:.1f}" for k, v in values.items() if pd.notna(v)))
    return "; ".join(parts)


class _Canvas:
    """The fixed part of a profile figure for one set of series, drawn once."""

    def __init__(self, title: str, names: tuple[str, ...]) -> None:
        # Fixed margins rather than constrained layout: the labels' extent is known.
        self.fig, self.axes = new_figure(title, width=9.0, height=4.6, ncols=2, layout=None)
        self.fig.subplots_adjust(left=0.15, right=0.98, top=0.80, bottom=0.14, wspace=0.9)
        self.dots: list[dict[str, Any]] = [{}, {}]
        self.shading: dict[str, Any] = {}
        for side, (ax, rows, heading) in enumerate(zip(self.axes, _ROWS, ("Focus areas", "Organisational levels"))):
            for name in names:
                marker, colour = _MARKERS.get(name.split()[-1], _MARKERS["You"])
                self.dots[side][name] = ax.scatter([], [], marker=marker, s=70, color=colour, edgecolor="black",
                                                   linewidth=0.6, label=name, zorder=3, animated=True)
            if side == 0:
                for i, row in enumerate(rows):
                    self.shading[row] = ax.axhspan(i - 0.42, i + 0.42, color=OKABE_ITO["yellow"], alpha=0.35,
                                                   zorder=0, animated=True)
            ax.set_yticks(range(len(rows)), rows, fontsize=10)
            ax.set_ylim(len(rows) - 0.5, -0.5)
            ax.set_xlim(0.7, 4.3)
            ax.set_xticks(list(RATINGS), [f"{k}\n{v}" for k, v in RATINGS.items()], fontsize=8)
            ax.grid(axis="x", color="#DDDDDD", zorder=0)
            ax.set_title(heading, fontsize=11)
        if len(names) > 1:
            self.axes[0].legend(loc="lower left", bbox_to_anchor=(0, 1.08), ncols=len(names), fontsize=8,
                                frameon=False)
        # Kept by this object, not by pyplot, so it goes when the cache lets it go.
        plt.close(self.fig)
        FigureCanvasAgg(self.fig)
        draw(self.fig)
        self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)

    def render(self, series: tuple[Mapping[str, pd.Series], Mapping[str, pd.Series]], weakest: list[str]) -> Any:
        canvas = self.fig.canvas
        canvas.restore_region(self.background)
        for row in weakest:
            if row in self.shading:
                self.axes[0].draw_artist(self.shading[row])
        for side, (ax, rows, data) in enumerate(zip(self.axes, _ROWS, series)):
            for name, values in data.items():
                x = values.reindex(list(rows)).to_numpy(dtype=float)
                keep = ~np.isnan(x)
                dots = self.dots[side][name]
                dots.set_offsets(np.column_stack([x[keep], np.arange(len(rows))[keep]]))
                ax.draw_artist(dots)
        return snapshot(self.fig)


@lru_cache(maxsize=8)
def _canvas(title: str, names: tuple[str, ...]) -> _Canvas:
    return _Canvas(title, names)


def profile_figure(focus: Mapping[str, pd.Series], levels: Mapping[str, pd.Series],
                   title: str, weakest: list[str] | None = None) -> AccessibleFigure:
    """Dot plot of ratings (1-4) per focus area and per level, one marker per
    series (e.g. "You", "Eastmere hub staff", "Eastmere hub partners");
    weakest areas shaded."""
    weakest = list(weakest or [])
    image = _canvas(title, tuple(focus)).render((focus, levels), weakest)
    alt = (f"Dot plot of self-assessment ratings from 1 (not in place) to 4 (embedded). Focus areas, "
           f"{_describe(focus)}. Organisational levels, {_describe(levels)}."
           + (f" Shaded as weakest: {', '.join(weakest)}." if weakest else ""))
    caption = (f"{title}: ratings from 1 (not in place) to 4 (embedded), weakest areas shaded. The focus "
               "areas and levels are from Co-production: reality; the ratings are a self-assessment or the "
               "fictional hub's, not a measurement of any real organisation.")
    return show_image(image, alt=alt, caption=caption)
