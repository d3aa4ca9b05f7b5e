"""Helpers for the exercises' check cells.

nbgrader's Validate report cuts every line at its width (90 characters by default, 100 in
this course's ``nbgrader_config.py``), so a check's message must come in
short lines or the learner loses its end, which is usually the part that
says where to look. ``assert condition, wrap("...")`` keeps every line whole.
"""

from __future__ import annotations

import textwrap

__all__ = ["WIDTH", "wrap"]

#: Fits nbgrader's default width (90) too, with the report's indent and
#: "AssertionError: " before the first line.
WIDTH = 64


def wrap(message: str) -> str:
    """The message broken into lines of at most ``WIDTH`` characters."""
    return textwrap.fill(" ".join(str(message).split()), WIDTH)
