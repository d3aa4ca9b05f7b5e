"""Interactive scenarios: ipywidgets views over the pure logic in
``coproduction.<topic>``. Each scenario is created by one call.

Which scenarios there are, and which topic each belongs to, is declared once
in :data:`coproduction.modules.MODULES`; ``from coproduction.widgets import
ladder_explorer`` imports ``coproduction.widgets.ladder`` only when asked.
"""

from __future__ import annotations

import importlib
from typing import Any

from coproduction.modules import scenario_topics

__all__ = sorted(scenario_topics())


def __getattr__(name: str) -> Any:
    topic = scenario_topics().get(name)
    if topic is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{topic}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
