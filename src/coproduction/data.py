"""Load the course's datasets by name, validated against their schema.

Every dataset is a CSV file in ``datasets/`` described in
``datasets/datapackage.json`` (a Frictionless Data Package with a Table
Schema per resource). :func:`load` checks each value against its field's
type and constraints and raises :class:`DataError` naming the file, the row
and the column of the first faults it finds, so a broken CSV is reported in
words a learner can act on rather than as a pandas traceback.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from coproduction.errors import CourseInputError

__all__ = ["DataError", "datasets_dir", "load", "resource_names", "schema"]

_MAX_REPORTED = 10


class DataError(CourseInputError):
    """A dataset is missing or does not match its schema."""


def datasets_dir() -> Path:
    """Where the datasets live.

    ``COPRODUCTION_DATASETS`` wins; otherwise the nearest ``datasets/`` with a
    ``datapackage.json`` above the working directory (so a course copy works
    on its own data), and last the one beside this package's source tree.
    """
    override = os.environ.get("COPRODUCTION_DATASETS")
    if override:
        return Path(override)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "datasets" / "datapackage.json").is_file():
            return folder / "datasets"
    return Path(__file__).resolve().parents[2] / "datasets"


def _package(folder: Path) -> dict[str, Any]:
    path = folder / "datapackage.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"No datapackage.json in {folder}. Set COPRODUCTION_DATASETS to the "
            "course's datasets folder, or run from inside the course."
        ) from None
    except json.JSONDecodeError as err:
        raise DataError(f"{path} is not valid JSON: {err}") from None


def resource_names(folder: Path | None = None) -> list[str]:
    """Names of the datasets in the data package."""
    return [r["name"] for r in _package(folder or datasets_dir())["resources"]]


def schema(name: str, folder: Path | None = None) -> dict[str, Any]:
    """The data package resource (path, description, schema) called ``name``."""
    for resource in _package(folder or datasets_dir())["resources"]:
        if resource["name"] == name:
            return resource
    raise DataError(
        f"There is no dataset called {name!r}; the datasets are "
        f"{', '.join(resource_names(folder))}."
    )


@dataclass(frozen=True)
class _Field:
    name: str
    convert: Callable[[str], Any]
    dtype: str
    constraints: dict[str, Any]


def _boolean(text: str) -> bool:
    if text in ("true", "True", "TRUE", "1"):
        return True
    if text in ("false", "False", "FALSE", "0"):
        return False
    raise ValueError("expected true or false")


def _integer(text: str) -> int:
    return int(text)


_TYPES: dict[str, tuple[Callable[[str], Any], str]] = {
    "string": (str, "string"),
    "integer": (_integer, "Int64"),
    "number": (float, "float64"),
    "boolean": (_boolean, "boolean"),
    "date": (date.fromisoformat, "datetime64[ns]"),
}


def _fields(resource: dict[str, Any]) -> list[_Field]:
    out = []
    for f in resource["schema"]["fields"]:
        convert, dtype = _TYPES[f.get("type", "string")]
        out.append(_Field(f["name"], convert, dtype, f.get("constraints", {})))
    return out


def _check_value(field: _Field, text: str) -> tuple[Any, str | None]:
    """Convert one cell; return (value, problem or None)."""
    c = field.constraints
    if text == "":
        return None, ("is empty but required" if c.get("required") else None)
    try:
        value = field.convert(text)
    except ValueError:
        return None, f"{text!r} is not a valid {field.dtype.lower().replace('int64', 'integer')}"
    if "enum" in c and value not in c["enum"]:
        return value, f"{text!r} is not one of {', '.join(map(str, c['enum']))}"
    if "minimum" in c and value < c["minimum"]:
        return value, f"{text} is below the minimum {c['minimum']}"
    if "maximum" in c and value > c["maximum"]:
        return value, f"{text} is above the maximum {c['maximum']}"
    if "pattern" in c and not re.fullmatch(c["pattern"], text):
        return value, f"{text!r} does not match the pattern {c['pattern']}"
    if "maxLength" in c and len(text) > c["maxLength"]:
        return value, f"is longer than {c['maxLength']} characters"
    return value, None


def load(name: str, folder: Path | None = None) -> pd.DataFrame:
    """Load dataset ``name`` (e.g. ``"engagement_activities"``) as a DataFrame.

    Raises :class:`DataError` if the file is missing, its header differs from
    the schema, or any value breaks its field's type or constraints; the
    message names the file, the row (counting data rows from 1, as a
    spreadsheet shows them below the header) and the column.
    """
    folder = folder or datasets_dir()
    resource = schema(name, folder)
    path = folder / resource["path"]
    fields = _fields(resource)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise DataError(f"{path} is missing; the data package lists it for {name!r}.") from None
    except UnicodeDecodeError as err:
        raise DataError(f"{path} is not UTF-8 text (byte {err.start}); re-save it as UTF-8.") from None
    if not rows:
        raise DataError(f"{path} is empty; it needs a header row and data.")
    header, body = rows[0], rows[1:]
    expected = [f.name for f in fields]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = "; ".join(
            part
            for part in (
                f"missing {missing}" if missing else "",
                f"unexpected {extra}" if extra else "",
                "columns out of order" if not missing and not extra else "",
            )
            if part
        )
        raise DataError(f"{path}: the header does not match the schema ({detail}).")

    problems: list[str] = []
    columns: dict[str, list[Any]] = {f.name: [] for f in fields}
    for number, row in enumerate(body, start=1):
        if len(row) != len(fields):
            problems.append(f"{path.name}, row {number}: has {len(row)} values, expected {len(fields)}")
            continue
        for field, text in zip(fields, row):
            value, problem = _check_value(field, text)
            if problem:
                problems.append(f"{path.name}, row {number}, column {field.name!r}: {problem}")
            columns[field.name].append(value)
    _check_keys(resource, columns, path.name, problems)
    if problems:
        more = len(problems) - _MAX_REPORTED
        listing = "\n  ".join(problems[:_MAX_REPORTED])
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise DataError(f"{path} does not match its schema:\n  {listing}{tail}")

    frame = pd.DataFrame(columns)
    for field in fields:
        frame[field.name] = frame[field.name].astype(field.dtype)
    return frame


def _check_keys(
    resource: dict[str, Any], columns: dict[str, list[Any]], filename: str, problems: list[str]
) -> None:
    key = resource["schema"].get("primaryKey")
    unique = [f["name"] for f in resource["schema"]["fields"] if f.get("constraints", {}).get("unique")]
    for column in ([key] if isinstance(key, str) else []) + unique:
        seen: dict[Any, int] = {}
        for number, value in enumerate(columns[column], start=1):
            if value in seen:
                problems.append(
                    f"{filename}, row {number}, column {column!r}: {value!r} repeats row {seen[value]}"
                )
            else:
                seen[value] = number
