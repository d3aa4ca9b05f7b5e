"""The orientation module's map of the course: how modules 2 to 4 take up
three of the four things peoplehub says co-production relies on."""

from __future__ import annotations

from functools import lru_cache

from matplotlib.patches import FancyBboxPatch

from coproduction.plotting import OKABE_ITO, AccessibleFigure, new_figure, show

__all__ = ["FIRST", "RELIES_ON", "LAST", "course_map"]

#: The boxes above and below the four things: the orientation module and the capstone.
FIRST = "0. Start here: what co-production is, and how to take the course"
LAST = "5. Putting it into practice: self-assess, then plan 90 days"

#: peoplehub's four "relies on" items, and the module that takes each up.
RELIES_ON: tuple[tuple[str, str], ...] = (
    ("an appreciation of different perspectives", "every module, from 1. The ladder on"),
    ("the acknowledgement of different amounts of power", "2. Power imbalance"),
    ("the investment of necessary input", "3. Input investment"),
    ("the gathering of independent feedback", "4. Evidence-backed decisions"),
)


@lru_cache(maxsize=1)
def course_map() -> AccessibleFigure:
    fig, ax = new_figure("A map of the course", width=8.5, height=4.6, layout=None)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02)

    def box(x: float, y: float, w: float, text: str, colour: str, bold: bool = False) -> None:
        ax.add_patch(FancyBboxPatch((x, y), w, 0.62, boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor=colour, edgecolor="black", linewidth=0.8))
        ax.text(x + w / 2, y + 0.31, text, ha="center", va="center", fontsize=9,
                fontweight="bold" if bold else "normal", wrap=True)

    box(0.0, 4.3, 10.0, FIRST, "#E3D3E8", True)
    ax.text(0.1, 3.7, "Co-production relies on (peoplehub):", fontsize=9, style="italic")
    for i, (item, module) in enumerate(RELIES_ON):
        y = 2.9 - i * 0.8
        box(0.0, y, 4.6, item, "#F9E79F")
        box(5.4, y, 4.6, module, "#A9D6E5", True)
        ax.annotate("", xy=(5.35, y + 0.31), xytext=(4.65, y + 0.31),
                    arrowprops={"arrowstyle": "-|>", "color": OKABE_ITO["black"]})
    box(0.0, -0.75, 10.0, LAST, "#E3D3E8", True)
    ax.set_xlim(-0.1, 10.1)
    ax.set_ylim(-0.9, 5.0)
    ax.axis("off")
    alt = (
        "A map of the course from top to bottom: module 0, Start here; then peoplehub's four things "
        "co-production relies on, each with an arrow to the module that takes it up: an appreciation of "
        "different perspectives to every module, from module 1, The ladder, on; the acknowledgement of different "
        "amounts of power to module 2, Power imbalance; the investment of necessary input to module 3, Input "
        "investment; the gathering of independent feedback to module 4, Evidence-backed decisions; and at "
        "the bottom module 5, Putting it into practice: self-assess, then plan 90 days."
    )
    caption = ("How the course is organised: modules 2 to 4 take up three of the four things peoplehub says "
               "co-production relies on (© peoplehub).")
    return show(fig, alt=alt, caption=caption)
