"""The course's house style for figures.

One colour-blind-safe palette (Okabe and Ito's eight colours), readable
fonts, and :func:`show` which will not display a figure without a caption
and alt text. The figure is shown as an HTML ``<figure>`` with the image
inline, so the alt text and caption travel with the output itself: a screen
reader finds them in JupyterLab and in the web book alike, and the book never
falls back to a file name as alt text.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")  # figures are rendered to PNG by show(); no GUI needed

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402
import pandas as pd  # noqa: E402
from IPython.display import HTML  # noqa: E402

__all__ = ["OKABE_ITO", "PALETTE", "new_figure", "show", "show_image", "draw", "snapshot", "AccessibleFigure",
           "FigureError", "table"]

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: The order colours are used in when a figure needs several.
PALETTE: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
)

_STYLE: dict[str, Any] = {
    "font.size": 11,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=list(PALETTE)),
    "figure.dpi": 100,
    "savefig.dpi": 120,
}


class FigureError(ValueError):
    """A figure was asked to be shown without what a reader needs."""


def new_figure(
    title: str,
    *,
    width: float = 8.0,
    height: float = 4.5,
    layout: str | None = "constrained",
    ncols: int = 1,
) -> tuple[Figure, Any]:
    """A figure and its axes in the house style, titled ``title``.

    Charts use matplotlib's constrained layout; a fixed diagram may pass
    ``layout=None`` and set its own margins, which renders faster. With
    ``ncols`` above 1 the axes come as a tuple and the title spans them.
    """
    if not title or not title.strip():
        raise FigureError("Every figure needs a title.")
    with plt.rc_context(_STYLE):
        fig, axes = plt.subplots(1, ncols, figsize=(width, height), layout=layout)
    if ncols == 1:
        axes.set_title(title)
        return fig, axes
    fig.suptitle(title, fontweight="bold")
    return fig, tuple(axes)


@dataclass(frozen=True)
class AccessibleFigure:
    """A rendered figure with its alt text and caption; displays as HTML."""

    png: bytes
    alt: str
    caption: str

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return (
            '<figure class="coproduction-figure" style="margin:0 0 1em 0">'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt, quote=True)}" '
            'style="max-width:100%;height:auto">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def __repr__(self) -> str:
        # Plain-text front ends (and doctest) see the words, not the bytes.
        return f"[Figure: {self.caption}] {self.alt}"


def _require_words(alt: str, caption: str) -> None:
    if not alt or len(alt.strip()) < 20:
        raise FigureError(
            "Alt text must describe what the figure shows (at least a sentence), "
            f"not {alt!r}."
        )
    if not caption or not caption.strip():
        raise FigureError("Every figure needs a caption.")


def draw(fig: Figure) -> None:
    """Draw ``fig`` at the house resolution on white, ready for :func:`snapshot`."""
    with plt.rc_context(_STYLE):
        fig.set_dpi(_STYLE["savefig.dpi"])
        fig.patch.set_facecolor("white")
        fig.canvas.draw()


def snapshot(fig: Figure) -> Image.Image:
    """The figure's pixels as they are on its canvas now."""
    return Image.frombuffer("RGBA", fig.canvas.get_width_height(physical=True),
                            fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")


def show_image(image: Image.Image, *, alt: str, caption: str) -> AccessibleFigure:
    """Like :func:`show`, for pixels already drawn (a figure redrawn in place)."""
    _require_words(alt, caption)
    return AccessibleFigure(png=_small_png(image), alt=alt.strip(), caption=caption.strip())


def show(fig: Figure, *, alt: str, caption: str) -> AccessibleFigure:
    """Render ``fig`` for display with ``alt`` text and a ``caption``, then close it.

    Return the result as the last expression of a cell (or pass it to
    ``IPython.display.display``) to show it.
    """
    _require_words(alt, caption)
    # Draw straight to pixels: writing a PNG only to decode it again for
    # the palette step cost a scenario about a tenth of its redraw.
    draw(fig)
    image = snapshot(fig)
    plt.close(fig)
    return show_image(image, alt=alt, caption=caption)


def _small_png(pixels: Image.Image) -> bytes:
    """Encode with a 64-colour palette: our flat-colour figures look the
    same and the page carries a quarter of the bytes (figures are inline)."""
    image = pixels.quantize(64, method=Image.Quantize.FASTOCTREE)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def table(frame: pd.DataFrame, caption: str) -> HTML:
    """Show a table in full (no truncated cells) with a caption, which a
    screen reader announces as the table's name."""
    if not caption or not caption.strip():
        raise FigureError("Every table needs a caption.")
    # A named index becomes an ordinary first column: one header row reads
    # better, aloud and on a phone, than pandas' two.
    named = frame.index.name is not None
    shown = frame.reset_index() if named else frame
    with pd.option_context("display.max_colwidth", None):
        body = shown.to_html(index=not named, escape=True, border=0, justify="left", classes="coproduction-table")
    return HTML(body.replace(">\n", f">\n<caption>{html.escape(caption)}</caption>\n", 1))
