"""Datasets: reproducible, consistent with the course's logic, described,
and a broken CSV reported by file, row and column."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

from coproduction import data
from coproduction.ladder import Activity, classify

from .conftest import ROOT, as_json


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "datasets" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_generator_reproduces_the_committed_csvs(tmp_path: Path) -> None:
    _generator().main(tmp_path)
    for made in tmp_path.glob("*.csv"):
        assert made.read_bytes() == (ROOT / "datasets" / made.name).read_bytes(), (
            f"datasets/{made.name} differs from what generate.py makes; run python datasets/generate.py"
        )


def test_every_resource_is_described_column_by_column() -> None:
    package = as_json(ROOT / "datasets" / "datapackage.json")
    assert "fictional" in package["description"].lower()
    for resource in package["resources"]:
        assert (ROOT / "datasets" / resource["path"]).is_file()
        assert resource["description"]
        for field in resource["schema"]["fields"]:
            assert field.get("description"), f"{resource['name']}.{field['name']} has no description"
        assert resource["name"] in (ROOT / "datasets" / "README.md").read_text()


def test_engagement_activities_loads_and_agrees_with_the_classifier() -> None:
    frame = data.load("engagement_activities")
    assert len(frame) >= 80
    assert frame["department"].nunique() >= 5
    assert frame["activity_id"].is_unique
    for row in frame.itertuples():
        activity = Activity(bool(row.decision_made), row.answer_sought, row.objective_set_by,
                            row.method_decided_by, int(row.participants), int(row.sessions))
        assert classify(activity)[0] == row.spectrum_type, row.activity_id
    # The portfolio scenario needs tokenism to find: labels above criteria.
    assert (frame["label"] != frame["spectrum_type"]).sum() >= 10


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "datasets"
    shutil.copytree(ROOT / "datasets", folder)
    return folder


def _rewrite_row(folder: Path, row: int, column: str, value: str) -> None:
    path = folder / "engagement_activities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[row].split(",")
    cells[header.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("row", "column", "value", "message"),
    [
        (3, "participants", "many", "row 3, column 'participants': 'many' is not a valid integer"),
        (5, "participants", "0", "row 5, column 'participants': 0 is below the minimum 1"),
        (7, "label", "Co-create", "row 7, column 'label': 'Co-create' is not one of"),
        (2, "decision_made", "perhaps", "row 2, column 'decision_made': 'perhaps' is not a valid boolean"),
        (9, "year", "", "row 9, column 'year': is empty but required"),
        (4, "activity_id", "EA001", "row 4, column 'activity_id': 'EA001' repeats row 1"),
        (6, "activity_id", "X-6", "row 6, column 'activity_id': 'X-6' does not match the pattern"),
    ],
)
def test_broken_values_are_named_by_file_row_and_column(
    broken: Path, row: int, column: str, value: str, message: str
) -> None:
    _rewrite_row(broken, row, column, value)
    with pytest.raises(data.DataError) as caught:
        data.load("engagement_activities", broken)
    assert "engagement_activities.csv" in str(caught.value)
    assert message in str(caught.value)


def test_structural_faults_are_clear(broken: Path) -> None:
    path = broken / "engagement_activities.csv"
    original = path.read_text(encoding="utf-8")

    path.write_text(original.replace("activity_id,department", "id,department", 1), encoding="utf-8")
    with pytest.raises(data.DataError, match=r"header does not match the schema \(missing \['activity_id'\]"):
        data.load("engagement_activities", broken)

    lines = original.splitlines()
    lines[10] += ",extra"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(data.DataError, match="row 10: has 13 values, expected 12"):
        data.load("engagement_activities", broken)

    path.write_bytes(b"\xff\xfe" + original.encode("utf-16-le"))
    with pytest.raises(data.DataError, match="not UTF-8"):
        data.load("engagement_activities", broken)

    path.write_text("", encoding="utf-8")
    with pytest.raises(data.DataError, match="is empty"):
        data.load("engagement_activities", broken)

    path.unlink()
    with pytest.raises(data.DataError, match="is missing"):
        data.load("engagement_activities", broken)


def test_unknown_dataset_and_missing_package(tmp_path: Path) -> None:
    with pytest.raises(data.DataError, match="no dataset called 'members'"):
        data.load("members")
    with pytest.raises(data.DataError, match="No datapackage.json"):
        data.load("engagement_activities", tmp_path)


def test_many_faults_are_summarised(broken: Path) -> None:
    for row in range(1, 15):
        _rewrite_row(broken, row, "sessions", "-1")
    with pytest.raises(data.DataError, match="… and 4 more"):
        data.load("engagement_activities", broken)
