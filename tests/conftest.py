"""Shared fixtures: the repository, temporary course copies, notebook helpers.

``make test`` runs the tests in parallel (pytest-xdist, one worker process
per core). Two things are made once per run and shared by every worker: the
web book (built in the background as soon as a worker collects a test that
reads it) and nbgrader's release of the exercises (once per course version,
see :func:`coproduction.cohort.collect.generated`). Tests that share a
module-scoped fixture (one graded assignment, the synthetic cohort, one
JupyterLab) run on the same worker, so each such fixture is made once.
"""

from __future__ import annotations

import fcntl
import logging
import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import nbformat
import pytest

if TYPE_CHECKING:
    from coproduction.hub.postgres import LocalPostgres

ROOT = Path(__file__).resolve().parents[1]
#: The folder every worker of one test run shares (made by the main process).
RUN_ENV = "COPRODUCTION_TEST_RUN"


def pytest_configure(config: pytest.Config) -> None:
    # Known even when xdist is not loaded (pytest -p no:xdist), as --strict-markers requires.
    config.addinivalue_line("markers", "xdist_group(name): tests that must share one worker")
    if not hasattr(config, "workerinput"):  # the main process: workers inherit the variable
        os.environ[RUN_ENV] = tempfile.mkdtemp(prefix="coproduction-tests-")


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        shutil.rmtree(os.environ.pop(RUN_ENV, ""), ignore_errors=True)


def made_once(name: str, make: Callable[[Path], None]) -> Path:
    """The folder ``name`` of this test run, made by ``make`` in whichever
    worker asks first; the others wait for it (or for its failure)."""
    run = Path(os.environ[RUN_ENV])
    folder = run / name
    with (run / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        failed = run / f"{name}.failed"
        if failed.exists():
            raise RuntimeError(failed.read_text(encoding="utf-8"))
        if not (run / f"{name}.done").exists():
            folder.mkdir(exist_ok=True)
            try:
                make(folder)
            except Exception as err:
                failed.write_text(f"{name} could not be made: {err}", encoding="utf-8")
                raise
            (run / f"{name}.done").touch()
    return folder


def _build_book(folder: Path) -> None:
    from coproduction.book import build

    build(ROOT, output=folder)  # a new output folder: an empty execution cache, every notebook runs


#: The groups of tests that start first, in this order (by their module-scoped fixture and its
#: parameter): the longest, alternating those that keep the cores busy grading with those that
#: mostly wait on JupyterLab, the hub or the browser, so that waits overlap work rather than
#: each other. The learner paths run beside the sandboxed cohort, which starts no Jupyter
#: kernels: kernels started at once by other processes can race for the same free port
#: (jupyter/jupyter_client#487). The book's pages come once the book, built from the start of
#: the run, is ready. Everything else follows in the order collected. (make test runs xdist
#: with --no-loadscope-reorder, which would otherwise start the groups with the most tests first.)
FIRST_GROUPS = ("cohort:sqlite", "browser_tab", "cohort:postgresql", "hub_run", "graded_course", "hub", "tabs",
                "validated_all", "loop")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    ranks = {}
    for item in items:  # tests sharing a module-scoped fixture run on one worker
        group = _module_fixture_group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        ranks[item.nodeid] = _rank(group)
    items.sort(key=lambda item: ranks[item.nodeid])  # stable: each group keeps its own order


def _rank(group: str | None) -> int:
    fixture = group.split(":", 1)[1] if group else ""
    for rank, name in enumerate(FIRST_GROUPS):
        if fixture == name or fixture.startswith(name + ":"):
            return rank
    return len(FIRST_GROUPS)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the book as soon as the tests to run are known, if one reads it,
    so that no test waits for the whole build."""
    if any("site" in getattr(item, "fixturenames", ()) for item in session.items):
        threading.Thread(target=lambda: _quietly(made_once, "book", _build_book), daemon=True).start()


def _quietly(function: Callable[..., object], *args: object) -> None:
    try:
        function(*args)
    except Exception:  # the fixture that needs it raises the same error where a test can report it
        pass


#: Module-scoped fixtures cheaper to make once per worker than to wait for:
#: JupyterLab starts in seconds and its learner paths take a minute each.
_ONE_PER_WORKER = {"lab"}


def _module_fixture_group(item: pytest.Item) -> str | None:
    """The module-scoped fixture ``item`` uses (with its parameter), as an xdist group name."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    for name in item.fixturenames:  # type: ignore[attr-defined]
        definitions = info.name2fixturedefs.get(name)
        if definitions and definitions[-1].scope == "module" and name not in _ONE_PER_WORKER:
            param = getattr(getattr(item, "callspec", None), "params", {}).get(name, "")
            return f"{item.module.__name__}:{name}:{param}"  # type: ignore[attr-defined]
    return None


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def site() -> Path:
    """The web book built from scratch (empty execution cache), once a run."""
    from coproduction.book import html_dir

    return html_dir(made_once("book", _build_book))


@pytest.fixture(scope="session")
def release() -> Path:
    """nbgrader's release of every exercise (``release/<name>/``) and a
    gradebook holding each assignment, generated from ``solutions/`` once per
    course version."""
    from coproduction.cohort.collect import generated

    return generated(ROOT)


def copy_course(dest: Path) -> Path:
    """A throwaway course directory nbgrader can write learner data into."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("solutions", "exercises", "datasets"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    return dest


@pytest.fixture(scope="session")
def postgres() -> Iterator["LocalPostgres"]:
    """A PostgreSQL server of this test worker's own (Debian's programs, a
    Unix socket in a fresh folder), stopped at the end, and checked stopped."""
    from coproduction.hub.postgres import LocalPostgres, PostgresError

    folder = Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))  # short: the socket's path has a limit
    server = LocalPostgres(folder)
    try:
        server.start()
    except PostgresError as err:
        pytest.fail(f"The PostgreSQL gradebook tests need a server: {err}")
    yield server
    server.stop()
    assert not server.running, "the test PostgreSQL server is still running"
    shutil.rmtree(folder, ignore_errors=True)


#: The gradebooks the cohort tests run on: nbgrader's SQLite file, and PostgreSQL.
GRADEBOOKS = ("sqlite", "postgresql")


def gradebook_url(request: pytest.FixtureRequest, name: str) -> str | None:
    """The gradebook a parametrised fixture asks for: ``None`` (the workspace's
    own SQLite file) or a new database ``name`` on the test PostgreSQL server."""
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("postgres").create_database(name)


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return copy_course(tmp_path / "course")


def read_nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def tracked_notebooks() -> list[Path]:
    """Every notebook the repository ships (course, solutions, exercises)."""
    return sorted(
        p for folder in ("course", "solutions", "exercises") for p in (ROOT / folder).rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def grade_ids(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """nbgrader metadata of each graded or answer cell, by grade_id."""
    return {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
        for c in nb.cells
        if "nbgrader" in c.metadata and "grade_id" in c.metadata["nbgrader"]
    }


def as_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@contextmanager
def logged(level: int = logging.INFO) -> Iterator[list[str]]:
    """The messages the course's code logs at ``level`` or above while the
    block runs (for module-scoped fixtures, where pytest's caplog cannot go)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler, target = Collect(level), logging.getLogger("coproduction")
    before = target.level
    target.addHandler(handler)
    target.setLevel(min(level, before or level))
    try:
        yield messages
    finally:
        target.removeHandler(handler)
        target.setLevel(before)
