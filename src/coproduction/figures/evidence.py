"""Module 4's figures: keeping it purple, and rates with their intervals."""

from __future__ import annotations

from matplotlib.patches import Circle, FancyArrowPatch

from coproduction.evidence import Blend, Rate
from coproduction.plotting import OKABE_ITO, AccessibleFigure, new_figure, show

__all__ = ["purple_figure", "intervals_figure", "mix_colour"]


def mix_colour(people_share: float) -> str:
    """The colour of an output that is ``people_share`` people's input and the
    rest the system's: the system's blue at 0, people's pink at 1, purple between."""
    system, people = OKABE_ITO["blue"], OKABE_ITO["reddish purple"]
    rgb = [round(int(s, 16) + (int(p, 16) - int(s, 16)) * people_share)
           for s, p in ((system[i:i + 2], people[i:i + 2]) for i in (1, 3, 5))]
    return "#" + "".join(f"{c:02X}" for c in rgb)


def _disc(ax, x: float, share: float, label: str) -> None:  # type: ignore[no-untyped-def]
    ax.add_patch(Circle((x, 0.55), 0.33, facecolor=mix_colour(share), edgecolor="black", linewidth=1))
    ax.text(x, 0.55, f"{share:.0%}\npeople", ha="center", va="center", color="white", fontsize=10,
            fontweight="bold")
    ax.text(x, 0.08, label, ha="center", va="center", fontsize=9)


def purple_figure(blend: Blend, local_coproduction: bool) -> AccessibleFigure:
    """People's input (pink) and the system's (blue) combine nationally; what
    reaches people locally keeps or loses its purple."""
    fig, ax = new_figure("Keeping it purple", width=8.0, height=3.0, layout=None)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.86, bottom=0.02)
    _disc(ax, 0.5, 1.0, "people's input")
    _disc(ax, 1.5, 0.0, "system's input")
    _disc(ax, 3.0, blend.national, "national policy\n(co-produced)")
    _disc(ax, 4.7, blend.local, "what reaches people\n" + ("(local co-production)" if local_coproduction
                                                          else "(no local co-production)"))
    for start, end in ((1.9, 2.6), (3.4, 4.3)):
        ax.add_patch(FancyArrowPatch((start, 0.55), (end, 0.55), arrowstyle="-|>", mutation_scale=18,
                                     color=OKABE_ITO["black"]))
    ax.text(1.0, 0.55, "+", ha="center", va="center", fontsize=18)
    ax.set_xlim(0, 5.2)
    ax.set_ylim(-0.05, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    alt = (
        "Four discs in a row. People's input (pink) plus the system's input (blue) make a national policy "
        f"that is {blend.national:.0%} shaped by people, coloured purple in proportion. An arrow leads to what "
        f"reaches people locally: {blend.local:.0%} shaped by people"
        + (", the same purple." if local_coproduction and blend.local >= blend.national
           else ", diluted back towards blue.")
        + f" {blend.intent_kept:.0%} of people's influence survives."
    )
    caption = ("Our own drawing after peoplehub's national and local graphic (© peoplehub): blue and pink make "
               "purple; without local co-production, purple returns to blue.")
    return show(fig, alt=alt, caption=caption)


def intervals_figure(groups: list[Rate], title: str) -> AccessibleFigure:
    """Each group's rate (from :func:`coproduction.evidence.rates`) as a dot
    with its Wilson interval as a bar."""
    # Constrained layout: the group labels vary in length and must never be cut.
    fig, ax = new_figure(title, width=8.0, height=1.4 + 0.6 * len(groups))
    described = []
    for i, group in enumerate(groups):
        ax.plot([group.low, group.high], [i, i], color=OKABE_ITO["blue"], linewidth=4, solid_capstyle="butt")
        ax.plot(group.rate, i, "o", color=OKABE_ITO["orange"], markeredgecolor="black", markersize=9)
        described.append(f"{group.label}: {group.rate:.0%} of {group.n} "
                         f"(interval {group.low:.0%} to {group.high:.0%})")
    ax.set_yticks(range(len(groups)), [f"{g.label} (n={g.n})" for g in groups])
    ax.set_ylim(-0.6, len(groups) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.set_xlabel("rate, with its 95% interval")
    alt = f"{title}. Dots are rates and bars their 95% Wilson intervals: " + "; ".join(described) + "."
    caption = (f"{title}: the bar shows the range of rates the data are consistent with; the fewer the "
               "people, the wider it is.")
    return show(fig, alt=alt, caption=caption)
