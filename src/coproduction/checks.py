"""Helpers for the exercises' check cells.

nbgrader's Validate report cuts every line at its width (90 characters by default, 100 in
this course's ``nbgrader_config.py``), so a check's message must come in
short lines or the learner loses its end, which is usually the part that
says where to look. ``assert condition, wrap("...")`` keeps every line whole.

Hidden checks compare a learner's answer with the course's own functions.
A learner's code shares the process with those checks, so two helpers keep
the comparison honest: :func:`plain` turns an answer into plain Python data
(an object that claims to equal everything becomes an error, not a pass),
and :func:`reference` gives the course's function as its source file defines
it, whatever a notebook has since assigned to the package.

Importing this module also sends Python's warnings to standard output:
nbgrader fails any check cell that writes to standard error, and a correct
answer that happens to trigger a warning (numpy's "Mean of empty slice",
say) must not lose its points.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import textwrap
import warnings
from pathlib import Path
from typing import Any, Callable

__all__ = ["WIDTH", "wrap", "plain", "values", "close", "option", "options", "rounded", "reference", "NotPlain"]

#: Fits nbgrader's default width (90) too, with the report's indent and
#: "AssertionError: " before the first line.
WIDTH = 64

# Bound at import, before any learner code runs.
_type, _str, _int, _float, _bool, _list, _dict, _isnan = type, str, int, float, bool, list, dict, math.isnan
_len, _zip, _all, _abs, _getattr, _issubclass = len, zip, all, abs, getattr, issubclass
_any, _format, _sorted = any, format, sorted
_PACKAGE = Path(__file__).resolve().parent


def wrap(message: str) -> str:
    """The message broken into lines of at most ``WIDTH`` characters."""
    return textwrap.fill(" ".join(str(message).split()), WIDTH, break_on_hyphens=False)


class NotPlain(TypeError):
    """An answer that is not plain data (a number, text, True/False, a list,
    a table); the message says what it was."""


def plain(value: Any) -> Any:
    """``value`` as plain Python data, built only from ``str``, ``int``,
    ``float``, ``bool``, ``None``, ``list`` and ``dict``: tuples and numpy
    arrays become lists, numpy numbers become numbers, a pandas Series a list
    of ``[label, value]`` pairs in its order, a DataFrame a list of rows.
    Anything else raises :class:`NotPlain`."""
    kind = _type(value)
    if value is None or kind in (_str, _int, _float, _bool):
        return value
    if kind in (_list, tuple):
        return [plain(v) for v in kind.__iter__(value)]
    if kind is _dict:
        return {plain(k): plain(v) for k, v in _dict.items(value)}
    module = _getattr(kind, "__module__", "") or ""
    if module.startswith("numpy"):
        import numpy

        if _issubclass(kind, numpy.generic):
            return plain(numpy.generic.item(value))
        if kind is numpy.ndarray:
            return plain(numpy.ndarray.tolist(value))
    if module.startswith("pandas"):
        import pandas

        if kind is pandas.Series:
            labels = plain(pandas.Index.tolist(value.index))
            return [[k, v] for k, v in _zip(labels, plain(pandas.Series.tolist(value)))]
        if kind is pandas.DataFrame:
            return plain(pandas.DataFrame.to_dict(value, orient="split"))
    raise NotPlain(wrap(f"Expected plain data (a number, text, a list or a table), not {kind.__name__}."))


def values(value: Any) -> list[Any]:
    """The plain values of a Series, list or dict, in order, without labels."""
    data = plain(value)
    if _type(data) is _dict:
        return _list(data.values())
    if _type(data) is _list and _type(value).__name__ == "Series":
        return [pair[1] for pair in data]
    if _type(data) is _list:
        return data
    raise NotPlain(wrap(f"Expected a list, a Series or a dict, not {_type(value).__name__}."))


def close(a: Any, b: Any, tolerance: float = 1e-9) -> bool:
    """Whether two plain values are equal, numbers within ``tolerance``."""
    a, b = plain(a), plain(b)
    if _type(a) in (_int, _float) and _type(b) in (_int, _float) and _type(a) is not _bool:
        return (_isnan(a) and _isnan(b)) or _abs(a - b) <= tolerance
    if _type(a) is _list and _type(b) is _list:
        return _len(a) == _len(b) and _all([close(x, y, tolerance) for x, y in _zip(a, b)])
    if _type(a) is _dict and _type(b) is _dict:
        return _list(a) == _list(b) and _all([close(a[k], b[k], tolerance) for k in a])
    return _type(a) is _type(b) and a == b


def option(value: Any) -> str:
    """An option as the core track compares it: text with case, spaces,
    hyphens and other punctuation ignored, so "co design" is "Co-design".
    A number (an option such as 3 in a numbered list) counts as its digits."""
    data = plain(value)
    if _type(data) is _int and _type(data) is not _bool:
        data = _str(data)
    if _type(data) is not _str:
        raise NotPlain(wrap(f"Expected an option in quotes, not {_type(value).__name__}."))
    return "".join([ch for ch in _str.casefold(data) if _str.isalnum(ch)])


def options(value: Any) -> list[str]:
    """A list of options as :func:`option` compares them, sorted, without repeats."""
    data = plain(value)
    if _type(data) is not _list:
        raise NotPlain(wrap(f"Expected a list of options, not {_type(value).__name__}."))
    return _sorted({option(v) for v in data})


def rounded(value: Any, decimals: int) -> str:
    """A number written with ``decimals`` places, as the core track compares
    numbers (so 0.2556 and 0.26 agree at two places); a number typed as text
    counts as the number."""
    data = plain(value)
    if _type(data) is _str:  # "210" or " 1,200 " as typed between quotes
        try:
            data = _float(_str.replace(_str.strip(data), ",", ""))
        except ValueError:
            raise NotPlain(wrap(f"Expected a number, not the text {data!r}.")) from None
    if _type(data) not in (_int, _float) or _type(data) is _bool or (_type(data) is _float and _isnan(data)):
        raise NotPlain(wrap(f"Expected a number, not {_type(value).__name__}."))
    text = _format(_float(data), f".{decimals}f")
    return "0" + text[2:] if text.startswith("-0") and not _any([c in "123456789" for c in text]) else text


_FRESH: dict[str, Any] = {}


def reference(module: str, name: str) -> Callable[..., Any]:
    """The course function ``module.name`` as its source file defines it: the
    module is loaded afresh from the package's own file (once per process),
    so nothing a notebook assigned to ``coproduction`` since can stand in."""
    if not module.startswith("coproduction.") or "/" in module:
        raise ValueError(f"{module!r} is not a course module")
    if module not in _FRESH:
        path = _PACKAGE.joinpath(*module.split(".")[1:]).with_suffix(".py")
        spec = importlib.util.spec_from_file_location(f"_reference_{module.replace('.', '_')}", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        fresh = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = fresh  # dataclasses look their module up while it runs
        spec.loader.exec_module(fresh)
        _FRESH[module] = fresh
    return _getattr(_FRESH[module], name)


def _to_stdout(message: Warning | str, category: type[Warning], filename: str, lineno: int,
               file: Any = None, line: str | None = None) -> None:
    sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))


warnings.showwarning = _to_stdout
