"""The trainer's side of nbgrader's exchange, on small folders (the hub test runs it for real)."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from nbgrader.utils import notebook_hash

from coproduction.cohort.collect import collect
from coproduction.cohort.exchange import feedback_name, inbound, return_feedback
from coproduction.cohort.workspace import COURSE_ID, CohortError, Workspace

from .conftest import ROOT


def _workspace(tmp_path: Path, exchange: Path | None) -> Workspace:
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nada\nben\n", encoding="utf-8")
    return Workspace(Workspace.write_new(tmp_path / "ws", ROOT, None, ["ladder"], roster, exchange))


def _submit(exchange: Path, learner: str, stamp: str, content: bytes, secret: str) -> None:
    folder = exchange / COURSE_ID / "inbound" / f"{learner}+ladder+{stamp}+abc{len(stamp)}"
    folder.mkdir(parents=True)
    (folder / "ladder.ipynb").write_bytes(content)
    (folder / "timestamp.txt").write_text(stamp)
    (folder / "submission_secret.txt").write_text(secret)


def test_a_cohort_without_an_exchange_says_how_to_collect(tmp_path: Path) -> None:
    ws = _workspace(tmp_path, None)
    with pytest.raises(CohortError, match="no exchange"):
        collect(ws, "ladder")


def test_collect_takes_each_learners_newest_submission_and_its_secret(tmp_path: Path) -> None:
    exchange = tmp_path / "exchange"
    ws = _workspace(tmp_path, exchange)
    _submit(exchange, "ada", "2026-12-03 10:00:00.000001 UTC", b'{"first": 1}', "s1")
    _submit(exchange, "ada", "2026-12-03 11:00:00.000001 UTC", b'{"second": 2}', "s2")
    _submit(exchange, "zed", "2026-12-03 11:00:00.000001 UTC", b"{}", "s3")  # not on the roster
    (exchange / COURSE_ID / "inbound" / "ben+power+2026-12-03 11:00:00.000001 UTC+x").mkdir()  # another assignment
    assert sorted(s.learner for s in inbound(ws, "ladder")) == ["ada", "ada", "zed"]
    found = collect(ws, "ladder")
    assert list(found.filed) == ["ada"] and found.nothing == ["ben"]
    assert any(u.startswith("zed/") for u in found.unmatched)
    folder = ws.submitted("ada", "ladder")
    assert (folder / "ladder.ipynb").read_bytes() == b'{"second": 2}'
    assert (folder / "submission_secret.txt").read_text() == "s2"
    ws.close()


def test_links_planted_in_the_exchange_reach_nothing(tmp_path: Path) -> None:
    """Every learner can write into the exchange's inbound folder. A learner
    who plants links there, to a peer's filed work or to the instructor
    notebook, gets nothing of either filed as theirs."""
    exchange = tmp_path / "exchange"
    ws = _workspace(tmp_path, exchange)
    _submit(exchange, "ada", "2026-12-03 10:00:00.000001 UTC", b'{"by": "ada"}', "s1")
    collect(ws, "ladder")
    peer = ws.submitted("ada", "ladder")
    inbound_folder = exchange / COURSE_ID / "inbound"
    linked_file = inbound_folder / "ben+ladder+2026-12-03 11:00:00.000001 UTC+a"
    linked_file.mkdir()
    (linked_file / "ladder.ipynb").symlink_to(peer / "ladder.ipynb")
    (linked_file / "submission_secret.txt").symlink_to(peer / "submission_secret.txt")
    (linked_file / "answers").symlink_to(ROOT / "solutions" / "ladder", target_is_directory=True)
    (inbound_folder / "ben+ladder+2026-12-03 12:00:00.000001 UTC+b").symlink_to(peer, target_is_directory=True)
    found = collect(ws, "ladder")
    assert "ben" not in found.filed and "ben" in found.nothing, found
    assert not (ws.submitted("ben", "ladder") / "ladder.ipynb").exists()
    assert (peer / "ladder.ipynb").read_bytes() == b'{"by": "ada"}'
    ws.close()


def test_a_submission_another_learners_account_made_in_this_ones_name_is_not_collected(tmp_path: Path) -> None:
    """Where each learner's server runs as their own system account, the
    exchange shows who made each submission: a learner who writes into the
    inbound folder in another's name is caught. (``postgres`` stands in for a
    learner's own account: it is one this machine has.)"""
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another account needs root (CI and these machines run as root)")
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no postgres account: make postgres installs PostgreSQL, which makes it")
    exchange = tmp_path / "exchange"
    roster = tmp_path / "roster.csv"
    roster.write_text("id\nada\npostgres\n", encoding="utf-8")
    ws = Workspace(Workspace.write_new(tmp_path / "ws", ROOT, None, ["ladder"], roster, exchange))
    _submit(exchange, "ada", "2026-12-03 10:00:00.000001 UTC", b'{"by": "ada"}', "s1")
    _submit(exchange, "ada", "2026-12-03 11:00:00.000001 UTC", b'{"by": "someone else"}', "s2")
    forged = max(inbound(ws, "ladder"), key=lambda s: s.submitted).folder
    for path in (forged, *forged.iterdir()):
        os.chown(path, account.pw_uid, account.pw_gid)
    found = collect(ws, "ladder")
    assert any("made by postgres's account in ada's name" in u for u in found.unmatched), found.unmatched
    assert (ws.submitted("ada", "ladder") / "ladder.ipynb").read_bytes() == b'{"by": "ada"}'
    ws.close()


def test_feedback_goes_where_nbgrader_fetches_it_and_only_for_hub_submissions(tmp_path: Path) -> None:
    assert feedback_name("s2", "ladder") == notebook_hash(secret="s2", notebook_id="ladder") + ".html"
    exchange = tmp_path / "exchange"
    ws = _workspace(tmp_path, exchange)
    for learner, secret in (("ada", "s2"), ("ben", None)):
        page = ws.feedback(learner, "ladder") / "ladder.html"
        page.parent.mkdir(parents=True)
        page.write_text(f"feedback for {learner}", encoding="utf-8")
        if secret:
            (page.parent / "submission_secret.txt").write_text(secret)
    returned, skipped = return_feedback(ws, ["ladder"])
    assert returned == 1 and skipped == ["ben (ladder): not submitted through the hub"]
    out = exchange / COURSE_ID / "feedback"
    assert [p.name for p in out.iterdir()] == [feedback_name("s2", "ladder")]
    assert (out / feedback_name("s2", "ladder")).read_text(encoding="utf-8") == "feedback for ada"
    assert out.stat().st_mode & 0o777 == 0o711
    ws.close()
