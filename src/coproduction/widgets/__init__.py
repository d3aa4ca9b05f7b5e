"""Interactive scenarios: ipywidgets views over the pure logic in
``coproduction.<topic>``. Each scenario is created by one call."""

from coproduction.widgets.evidence import proposal_explorer, purple_explorer, sure_explorer
from coproduction.widgets.investment import budget_explorer, input_explorer
from coproduction.widgets.ladder import ladder_explorer, portfolio_explorer
from coproduction.widgets.power import meeting_explorer, reflection_explorer, representation_explorer
from coproduction.widgets.practice import assessment_explorer

__all__ = [
    "ladder_explorer",
    "portfolio_explorer",
    "reflection_explorer",
    "meeting_explorer",
    "representation_explorer",
    "input_explorer",
    "budget_explorer",
    "purple_explorer",
    "sure_explorer",
    "proposal_explorer",
    "assessment_explorer",
]
