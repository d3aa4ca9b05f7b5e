"""Module 1's figures: the three ladders side by side, and a portfolio chart.

Each function returns an :class:`~coproduction.plotting.AccessibleFigure`
(rendered, with alt text and caption), so notebooks, widgets and the book
all show the same thing.
"""

from __future__ import annotations

from functools import lru_cache

from matplotlib.patches import FancyBboxPatch, Patch

from coproduction.ladder import (
    ARNSTEIN_RUNGS,
    CORRESPONDENCE,
    COPRODUCTION_STEPS,
    SPECTRUM_ORDER,
    SPECTRUM_TYPES,
    Level,
    Placement,
    Portfolio,
    placement_of,
)
from coproduction.plotting import OKABE_ITO, AccessibleFigure, new_figure, show

__all__ = ["ladders_figure", "portfolio_figure"]

# Light fills keep black text at AA contrast; hatching separates the bands
# in greyscale too.
_BAND_STYLE: dict[str, tuple[str, str]] = {
    "Non-participation": ("#F5C9A8", "xx"),  # light vermillion
    "Degrees of tokenism": ("#F9E79F", ".."),  # light yellow
    "Degrees of citizen power": ("#A9D6E5", ""),  # light sky blue
    "doing to": ("#F5C9A8", "xx"),
    "doing for": ("#F9E79F", ".."),
    "doing with": ("#A9D6E5", ""),
    "": ("#E3D3E8", ""),  # the spectrum: one continuum, no bands
}

_COLUMNS = (
    ("Arnstein's ladder (1969)\n8 rungs", ARNSTEIN_RUNGS),
    ("Ladder of co-production\n(TLAP/NCAG), 7 steps", COPRODUCTION_STEPS),
    ("Spectrum of Participation\n(peoplehub), 6 types", SPECTRUM_TYPES),
)
_X = (0.0, 3.2, 6.4)
_W = 2.3  # box width
_H = 0.8  # box height


def _y(level: Level, count: int) -> float:
    # Spread every ladder over the same height so bottoms and tops align.
    return (level.position - 1) * (8 - 1) / (count - 1)


def ladders_figure(highlight: Placement | None = None, *, compact: bool = False) -> AccessibleFigure:
    """The three ladders side by side, bottom to top, with lines joining the
    levels that correspond; ``highlight`` marks where one activity sits.

    The drawing depends only on the highlighted spectrum type (the step and
    rungs follow from it), so each of the seven possible drawings is
    rendered once and reused: a scenario redraw then costs no rendering.
    """
    return _ladders_figure(highlight.spectrum_type.name if highlight else None, compact)


@lru_cache(maxsize=16)
def _ladders_figure(type_name: str | None, compact: bool) -> AccessibleFigure:
    highlight = placement_of(type_name) if type_name else None
    fig, ax = new_figure(
        "Three ladders of participation, side by side",
        width=7.5 if compact else 8.5,
        height=6.0 if compact else 7.2,
        layout=None,
    )
    centres: dict[tuple[int, str], tuple[float, float]] = {}
    marked = set()
    if highlight is not None:
        marked = {
            (0, r.name) for r in highlight.arnstein_rungs
        } | {(1, highlight.coproduction_step.name), (2, highlight.spectrum_type.name)}
    for column, ((heading, levels), x) in enumerate(zip(_COLUMNS, _X)):
        ax.text(x + _W / 2, 8.0, heading, ha="center", va="bottom", fontsize=9 if compact else 10,
                fontweight="bold")
        for level in levels:
            y = _y(level, len(levels))
            fill, hatch = _BAND_STYLE[level.group]
            is_marked = (column, level.name) in marked
            faded = highlight is not None and not is_marked
            ax.add_patch(
                FancyBboxPatch(
                    (x, y - _H / 2), _W, _H, boxstyle="round,pad=0.02,rounding_size=0.12",
                    facecolor=fill, hatch=hatch, edgecolor=OKABE_ITO["black"],
                    linewidth=3.0 if is_marked else 0.8, alpha=0.35 if faded else 1.0,
                )
            )
            ax.text(
                x + _W / 2, y, f"{level.position}  {level.name}", ha="center", va="center",
                fontsize=10, fontweight="bold" if is_marked else "normal",
                color="#555555" if faded else OKABE_ITO["black"],
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0, "alpha": 0.85},
            )
            centres[(column, level.name)] = (x, y)
    # Correspondence lines: spectrum type -> step -> rung(s).
    for type_name, (step_name, rungs, _) in CORRESPONDENCE.items():
        sx, sy = centres[(2, type_name)]
        cx, cy = centres[(1, step_name)]
        ax.plot([cx + _W, sx], [cy, sy], color=OKABE_ITO["blue"], linewidth=1.4, linestyle="-")
        for rung in rungs:
            ax_, ay = centres[(0, ARNSTEIN_RUNGS[rung - 1].name)]
            ax.plot([ax_ + _W, cx], [ay, cy], color=OKABE_ITO["blue"], linewidth=1.4, linestyle="--")
    ax.plot([centres[(0, "Manipulation")][0] + _W, centres[(1, "Coercion")][0]],
            [centres[(0, "Manipulation")][1], centres[(1, "Coercion")][1]],
            color=OKABE_ITO["blue"], linewidth=1.4, linestyle="--")
    handles = [
        Patch(facecolor=_BAND_STYLE[band][0], hatch=_BAND_STYLE[band][1], edgecolor="black", label=label)
        for band, label in (
            ("Non-participation", "Arnstein: non-participation · TLAP: doing to"),
            ("Degrees of tokenism", "Arnstein: tokenism · TLAP: doing for"),
            ("Degrees of citizen power", "Arnstein: citizen power · TLAP: doing with"),
        )
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=1 if compact else 3,
              fontsize=8, frameon=False, title="Lines join corresponding levels (this course's reading).",
              title_fontsize=8)
    # A fixed diagram: set the margins once rather than let a layout engine
    # measure every label on each redraw (a third of the render time).
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.17 if compact else 0.09)
    ax.set_xlim(-0.2, _X[-1] + _W + 0.2)
    ax.set_ylim(-0.7, 9.0)
    ax.axis("off")

    if highlight is None:
        alt = (
            "Three columns of labelled boxes, each read from bottom to top. Left, Arnstein's eight rungs: "
            "1 Manipulation and 2 Therapy (non-participation), 3 Informing, 4 Consultation and "
            "5 Placation (tokenism), 6 Partnership, 7 Delegated power and 8 Citizen control (citizen "
            "power). Middle, the seven steps of the ladder of co-production: Coercion and Educating "
            "(doing to), Informing, Consultation and Engagement (doing for), Co-design and Co-production "
            "(doing with). Right, peoplehub's six types: Inform, Educate, Consult, Engage, Co-design, "
            "Co-produce. Lines join Manipulation to Coercion, Therapy to Educating to Educate, Informing "
            "to Informing to Inform, Consultation to Consultation to Consult, Placation to Engagement to "
            "Engage, Partnership to Co-design to Co-design, and Partnership and Delegated power to "
            "Co-production to Co-produce. The lines for Inform and Educate cross, because the spectrum "
            "puts Educate above Inform. Citizen control has no partner on the other two."
        )
        caption = (
            "Arnstein's ladder (1969), the ladder of co-production (Think Local Act Personal and the "
            "National Co-production Advisory Group; bands after Wirral Council) and peoplehub's Spectrum "
            "of Participation (© peoplehub), redrawn side by side. The correspondence lines are this "
            "course's reading, not the sources'."
        )
    else:
        rungs = " and ".join(f"{r.position} {r.name}" for r in highlight.arnstein_rungs)
        alt = (
            "The three ladders side by side with one level outlined on each: "
            f"{highlight.spectrum_type.name} on the spectrum, {highlight.coproduction_step.name} "
            f"({highlight.coproduction_step.group}) on the ladder of co-production, and {rungs} on "
            "Arnstein's ladder. The other levels are faded."
        )
        caption = f"Where this activity sits: {highlight.summary()}"
    return show(fig, alt=alt, caption=caption)


def portfolio_figure(result: Portfolio) -> AccessibleFigure:
    """Horizontal bars: activities at each spectrum type as labelled by the
    department and as their answers support."""
    labelled, actual, title_scope = result.labelled, result.supported, result.scope
    fig, ax = new_figure(f"{title_scope}: labels against criteria", width=7.5, height=4.2)
    rows = range(len(SPECTRUM_ORDER))
    ax.barh([r + 0.2 for r in rows], labelled.values, height=0.4, color=OKABE_ITO["orange"],
            hatch="//", edgecolor="black", label="as labelled by the department")
    ax.barh([r - 0.2 for r in rows], actual.values, height=0.4, color=OKABE_ITO["blue"],
            edgecolor="black", label="by the spectrum's criteria")
    ax.set_yticks(list(rows), SPECTRUM_ORDER)
    ax.set_xlabel("number of activities")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, frameon=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    pairs = ", ".join(
        f"{name} {int(labelled[name])} labelled and {int(actual[name])} by criteria"
        for name in SPECTRUM_ORDER
    )
    alt = (
        f"Paired horizontal bars for {title_scope}, one pair per spectrum type from Inform at the "
        f"bottom to Co-produce at the top: {pairs}."
    )
    caption = (
        f"{title_scope} (fictional data): how many activities the department called each type "
        "(hatched orange) and how many meet that type's criteria (solid blue)."
    )
    return show(fig, alt=alt, caption=caption)
