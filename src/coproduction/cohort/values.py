"""Values passed between the grading's processes as plain JSON, never as code.

The judge (:mod:`coproduction.cohort.judge`) runs an exercise's test cells
in a process no learner code has touched; when a test calls a function the
learner wrote, the call crosses to the learner's process and its result
comes back through :func:`encode` and :func:`decode`. Only data crosses:
numbers (floats exactly), text, True/False, None, lists, tuples, sets,
dicts, numpy numbers and arrays, and pandas Series, DataFrames and Indexes
with their dtypes. Anything else arrives as an :class:`Opaque` stand-in that
equals nothing, so a value that claims to equal everything (``__eq__``
returning True) is just data by the time a check compares it. :func:`decode`
reads what it is given as hostile: wrong shapes, too deep or too big raise
:class:`ValueError` with a sentence saying why.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from typing import Any

__all__ = ["encode", "decode", "Opaque", "Sender", "Receiver", "MAX_DEPTH", "MAX_ITEMS"]

#: Deepest nesting either side accepts (JSON's own reader stops far deeper).
MAX_DEPTH = 40
#: Most items (list elements, dict entries, table cells) in one value.
MAX_ITEMS = 2_000_000

_PLAIN = frozenset({str, int, bool, float, type(None)})
_DTYPES = {"int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "float64", "float32",
           "bool", "object", "string", "str", "category", "datetime64[ns]", "boolean", "Int64", "Float64"}


class Opaque:
    """A value that could not cross as data: shown by its type and text, equal to nothing."""

    def __init__(self, kind: str, text: str) -> None:
        self.kind, self.text = kind, text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return False

    __hash__ = object.__hash__


def encode(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data: plain scalars as themselves, everything
    else as a one-key object naming its kind."""
    if depth > MAX_DEPTH:
        return {"opaque": ["nested", "[nested too deeply]"]}
    kind = type(value)
    if value is None or kind in (bool, str, int):
        return value
    if kind is float:
        return value if math.isfinite(value) else {"float": repr(value)}
    if kind is list and all(type(v) in _PLAIN for v in value) and all(
            math.isfinite(v) for v in value if type(v) is float):
        return list(value)  # a table's column, most often: already JSON as it is
    if kind in (list, tuple, set, frozenset):
        items = [encode(v, depth + 1) for v in (sorted(value, key=repr) if kind in (set, frozenset) else value)]
        return items if kind is list else {kind.__name__: items}
    if kind is dict:
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    module = getattr(kind, "__module__", "") or ""
    if module.startswith("numpy"):
        import numpy

        if isinstance(value, numpy.generic):
            return {"np": [str(value.dtype), encode(value.item(), depth + 1)]}
        if isinstance(value, numpy.ndarray):
            return {"array": [str(value.dtype), encode(value.tolist(), depth + 1)]}
    if module.startswith("pandas"):
        import pandas

        if kind is pandas.Series:
            return {"series": [encode(value.tolist(), depth + 1), _index(value.index, depth), str(value.dtype),
                               encode(value.name, depth + 1)]}
        if kind is pandas.DataFrame:
            return {"frame": [[encode(value[c].tolist(), depth + 1) for c in value.columns],
                              _index(value.columns, depth), _index(value.index, depth),
                              [str(t) for t in value.dtypes]]}
        if isinstance(value, pandas.Index):
            return {"index": _index(value, depth)}
        if value is pandas.NA or value is pandas.NaT:
            return {"na": "NaT" if value is pandas.NaT else "NA"}
        if kind is pandas.Timestamp:
            return {"time": value.isoformat()}
    try:
        text = repr(value)[:300]
    except Exception:  # a value whose repr fails is still reported
        text = f"<{kind.__name__}>"
    return {"opaque": [kind.__name__[:80], text]}


#: Arguments at least this large (as JSON) are sent once a job and named by their digest after.
SHARED = 2048


class Sender:
    """The judge's side of passing arguments: a large one it has sent before
    in this job (the county's table, passed to every call) goes as its digest
    alone, so the learner's process need not rebuild it each time."""

    def __init__(self) -> None:
        self.sent: set[str] = set()
        self.pinned: dict[int, tuple[Any, list[Any] | None]] = {}

    def pin(self, value: Any) -> None:
        """Remember ``value`` (a table the set-up cell made, which no check
        changes) so that packing it again costs nothing."""
        self.pinned.setdefault(id(value), (value, None))

    def pack(self, value: Any) -> list[Any]:
        held = self.pinned.get(id(value))
        if held is not None and held[0] is value and held[1] is not None:
            return [held[1][0], None]
        packed = self._pack(value)
        if held is not None and held[0] is value and packed[0]:
            self.pinned[id(value)] = (value, packed)
        return packed

    def _pack(self, value: Any) -> list[Any]:
        encoded = encode(value)
        text = json.dumps(encoded, separators=(",", ":"))
        if len(text) < SHARED:
            return ["", encoded]
        key = hashlib.sha256(text.encode()).hexdigest()[:32]
        if key in self.sent:
            return [key, None]
        self.sent.add(key)
        return [key, encoded]


class Receiver:
    """The learner's side: each argument rebuilt once, then handed over as a
    fresh copy each call (a function that changes its table changes only its copy)."""

    def __init__(self) -> None:
        self.kept: dict[str, Any] = {}

    def unpack(self, packed: Any) -> Any:
        if type(packed) is not list or len(packed) != 2 or type(packed[0]) is not str:
            raise ValueError("an argument of the wrong shape")
        key, encoded = packed
        if key and encoded is None:
            if key not in self.kept:
                raise ValueError("an argument this process was never sent")
            return copy.deepcopy(self.kept[key])
        value = decode(encoded)
        if key:
            self.kept[key] = copy.deepcopy(value)
        return value


def _index(index: Any, depth: int) -> list[Any]:
    return [encode(index.tolist(), depth + 1), str(index.dtype), encode(index.name, depth + 1)]


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_ITEMS

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise ValueError(f"a value with more than {MAX_ITEMS:,} items")


def decode(data: Any) -> Any:
    """The value :func:`encode` made, rebuilt; :class:`ValueError` if ``data``
    is not something :func:`encode` makes."""
    return _decode(data, 0, _Budget())


def _decode(data: Any, depth: int, budget: _Budget) -> Any:
    if depth > MAX_DEPTH + 2:
        raise ValueError("a value nested too deeply")
    kind = type(data)
    if data is None or kind in (bool, str, int, float):
        return data
    if kind is list:
        budget.spend(len(data))
        return [_decode(v, depth + 1, budget) for v in data]
    if kind is not dict or len(data) != 1:
        raise ValueError(f"not a value: {str(data)[:60]}")
    (tag, body), = data.items()
    if tag == "float" and body in ("nan", "inf", "-inf"):
        return float(body)
    if tag in ("na", "time") and type(body) is str:
        import pandas

        if tag == "na":
            return pandas.NaT if body == "NaT" else pandas.NA
        try:
            return pandas.Timestamp(body[:40])
        except ValueError:
            raise ValueError("a time that is not a time") from None
    if tag in ("tuple", "set", "frozenset") and type(body) is list:
        items = _decode(body, depth + 1, budget)
        made = {"tuple": tuple, "set": set, "frozenset": frozenset}[tag]
        try:
            return made(items)
        except TypeError:  # an unhashable member of a set
            raise ValueError("a set with a member that cannot be in a set") from None
    if tag == "dict" and type(body) is list:
        budget.spend(len(body))
        pairs = [_decode(p, depth + 1, budget) for p in body]
        if not all(type(p) is list and len(p) == 2 for p in pairs):
            raise ValueError("a dict of the wrong shape")
        try:
            return {_hashable(k): v for k, v in pairs}
        except TypeError:
            raise ValueError("a dict with a key that cannot be a key") from None
    if tag == "opaque" and type(body) is list and len(body) == 2:
        return Opaque(str(body[0])[:80], str(body[1])[:300])
    if tag in ("np", "array") and type(body) is list and len(body) == 2:
        import numpy

        dtype = _dtype(body[0])
        value = _decode(body[1], depth + 1, budget)
        try:
            return numpy.array(value, dtype=dtype)[()] if tag == "np" else numpy.array(value, dtype=dtype)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"numpy data that is not {dtype}") from None
    if tag in ("series", "frame", "index"):
        return _pandas(tag, body, depth, budget)
    raise ValueError(f"not a value: {str(data)[:60]}")


def _hashable(value: Any) -> Any:
    return tuple(_hashable(v) for v in value) if type(value) is list else value


def _dtype(name: Any) -> str:
    if name not in _DTYPES:
        raise ValueError(f"a dtype this grader does not rebuild ({str(name)[:40]})")
    return str(name)


def _pandas(tag: str, body: Any, depth: int, budget: _Budget) -> Any:
    import pandas

    def index(part: Any) -> Any:
        if type(part) is not list or len(part) != 3 or type(part[0]) is not list:
            raise ValueError("a pandas index of the wrong shape")
        labels = [_hashable(v) for v in _decode(part[0], depth + 2, budget)]
        return pandas.Index(labels, dtype=_dtype(part[1]) if part[1] != "object" else object,
                            name=_hashable(_decode(part[2], depth + 2, budget)), tupleize_cols=False)

    try:
        if tag == "index":
            return index(body)
        if tag == "series" and type(body) is list and len(body) == 4 and type(body[0]) is list:
            data = _decode(body[0], depth + 1, budget)
            return pandas.Series(data, index=index(body[1]), name=_hashable(_decode(body[3], depth + 1, budget)),
                                 dtype=_dtype(body[2]) if body[2] != "object" else object)
        if tag == "frame" and type(body) is list and len(body) == 4 and type(body[0]) is list:
            columns, rows = index(body[1]), index(body[2])
            data = [_decode(c, depth + 1, budget) for c in body[0]]
            types = body[3]
            if (type(types) is not list or not len(data) == len(columns) == len(types)
                    or any(type(c) is not list or len(c) != len(rows) for c in data)):
                raise ValueError("a table whose columns do not match")
            frame = pandas.DataFrame({i: pandas.Series(c, index=rows, dtype=_dtype(t) if t != "object" else object)
                                      for i, (c, t) in enumerate(zip(data, types))})
            frame.columns = columns
            return frame
    except (TypeError, OverflowError) as err:
        raise ValueError(f"pandas data that does not fit its dtypes ({str(err)[:80]})") from None
    raise ValueError(f"a pandas {tag} of the wrong shape")
