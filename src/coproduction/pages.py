"""The HTML pages the course writes for people to read (a learner's progress
page and CPD record; a trainer's feedback, report and certificates), made
from Jinja2 templates in ``coproduction/templates/``.

Every page extends ``base.html.j2``: the language, the policy that no script
runs (:data:`coproduction.printing.PAGE_POLICY`) and the one stylesheet,
``pages.css``, inlined because the policy loads nothing. Autoescaping is on,
so whatever a learner wrote is text on the page, never markup; the code
prepares the data and the templates hold the wording. A name a template
uses but is not given is an error, not an empty string.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from coproduction.printing import PAGE_POLICY

__all__ = ["TEMPLATES", "render"]

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                     keep_trailing_newline=True)
    environment.globals["policy"] = Markup(PAGE_POLICY)  # the course's own markup, not text
    environment.filters["plural"] = lambda count, word: f"{count} {word}{'' if count == 1 else 's'}"
    return environment


def render(template: str, **data: Any) -> str:
    """The page ``template`` (a file in :data:`TEMPLATES`) filled with ``data``."""
    return _environment().get_template(template).render(**data)
