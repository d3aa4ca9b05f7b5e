"""House style: no figure without alt text and a caption; the palette is
Okabe–Ito; figures carry their words into HTML."""

from __future__ import annotations

import pytest

from coproduction import data
from coproduction.figures.ladder import ladders_figure, portfolio_figure
from coproduction.figures.course_map import course_map
from coproduction.evidence import rates
from coproduction.figures.evidence import intervals_figure, purple_figure
from coproduction.figures.investment import budget_figure, input_figure
from coproduction.figures.power import meeting_figure, reflection_figure, representation_figure
from coproduction.evidence import keeping_it_purple
from coproduction.investment import Plan, budget
from coproduction.ladder import placement_of, portfolio
from coproduction.power import Meeting, reflection_cell, representation, simulate_meetings
from coproduction.plotting import OKABE_ITO, FigureError, new_figure, show


def test_show_refuses_missing_alt_or_caption() -> None:
    fig, _ = new_figure("A title")
    with pytest.raises(FigureError, match="Alt text must describe"):
        show(fig, alt="chart.png", caption="A caption")
    with pytest.raises(FigureError, match="caption"):
        show(fig, alt="A bar chart of nothing in particular, for the test.", caption=" ")
    with pytest.raises(FigureError, match="title"):
        new_figure("")


def test_module_figures_have_alt_text_and_captions() -> None:
    frame = data.load("engagement_activities")
    bodies = data.load("advisory_bodies")
    for figure in (ladders_figure(), ladders_figure(placement_of("Engage"), compact=True),
                   portfolio_figure(portfolio(frame, "Housing")), reflection_figure(),
                   reflection_figure(reflection_cell("people", "shared")),
                   meeting_figure(simulate_meetings(Meeting(), meetings=20)),
                   representation_figure(representation(bodies, "Housing Tenants' Panel"),
                                         "Housing Tenants' Panel", 0.8),
                   input_figure(), input_figure("Engage"), budget_figure(budget(Plan()), "A plan"),
                   purple_figure(keeping_it_purple(0.5, False), False),
                   intervals_figure(rates([("a", 3, 10), ("b", 40, 90)]), "Two groups"), course_map()):
        html = figure._repr_html_()
        assert html.startswith('<figure class="coproduction-figure"')
        assert f'alt="{figure.alt[:40]}' in html.replace("&#x27;", "'")
        assert "<figcaption>" in html
        assert figure.png.startswith(b"\x89PNG")
        assert len(figure.png) < 120_000, "figures are inline; keep them small"
    full = ladders_figure()
    for name in ("Manipulation", "Citizen control", "Coercion", "Co-production", "Inform", "Co-produce"):
        assert name in full.alt
    assert "peoplehub" in full.caption


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a colour."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize(
    ("first", "second"),
    [("orange", "blue"), ("sky blue", "blue")],  # the pairs our figures compare
)
def test_compared_colours_stay_apart_in_greyscale(first: str, second: str) -> None:
    """Printed in black and white, the two series of a figure still differ
    (and the second series of each pair is also hatched or shaped)."""
    assert abs(_luminance(OKABE_ITO[first]) - _luminance(OKABE_ITO[second])) > 0.1
