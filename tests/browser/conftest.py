"""Browser fixtures: Debian's Chromium driven by Playwright (no browser
download), and a JupyterLab server started the way ``make lab`` starts it.

Screenshots go to ``test-output/<suite>/`` at the repository root (ignored by
git) for people to review.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..conftest import ROOT

CHROMIUM = Path(os.environ.get("COPRODUCTION_CHROMIUM", "/usr/bin/chromium"))
# Flags for a closed network and a root user (see the machine notes). Without
# smooth scrolling a wheel turn moves the page in one step instead of
# animating there: the same positions, fewer frames to draw (about 8% of the
# learner paths' CPU).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-smooth-scrolling",
]
OUTPUT = ROOT / "test-output"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Chromium, closed at the end of the session."""
    if not CHROMIUM.exists():
        if os.environ.get("COPRODUCTION_SKIP_BROWSER") == "1":
            pytest.skip("COPRODUCTION_SKIP_BROWSER=1 and no Chromium")
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` "
            "(.ci/run does), or set COPRODUCTION_SKIP_BROWSER=1 to skip the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    url: str
    token: str
    root: Path

    def page_url(self, path: str = "") -> str:
        return f"{self.url}{path}?token={self.token}"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and everything it started (kernels included)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)
    # Kernels live in the server's process group: none may outlive the test.
    deadline = time.monotonic() + 15
    while True:
        try:
            os.killpg(process.pid, signal.SIGKILL if time.monotonic() > deadline - 5 else signal.SIGTERM)
        except ProcessLookupError:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"processes of JupyterLab's group {process.pid} survived SIGKILL")
        time.sleep(0.2)


@contextmanager
def running_lab(folder: Path) -> Iterator[Lab]:
    """JupyterLab on a fresh copy of the course in ``folder``, started as
    ``make lab`` starts it (for a clean learner: no settings or workspaces of
    whoever runs it), and stopped with everything it started."""
    root = folder / "course"
    root.mkdir(parents=True)
    for name in ("course", "exercises", "datasets", "scripts"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    home = folder / "lab-home"
    home.mkdir()
    port, token = free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        "PORT": str(port),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    args = ["bash", str(root / "scripts" / "lab.sh"), "--no-browser",
            f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    if os.geteuid() == 0:
        args.append("--allow-root")  # as the Makefile does
    log = (home / "lab.log").open("wb")
    process = subprocess.Popen(args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (home / "lab.log").read_text())
                time.sleep(0.5)
        yield Lab(url=url, token=token, root=root)
    finally:
        _stop(process)
        log.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a temporary copy of the course, as ``make lab`` runs it."""
    with running_lab(tmp_path_factory.mktemp("lab")) as running:
        yield running


class Shots:
    """Numbered screenshots of one test, for review."""

    def __init__(self, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        self.count = 0

    def take(self, page: object, name: str, full_page: bool = False) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
        return path


@pytest.fixture(scope="session")
def book_server(site: Path) -> Iterator[str]:
    """The built book served on a free localhost port, as a web host would."""
    from coproduction.book import serve

    with serve(site) as url:
        yield url


AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("COPRODUCTION_SKIP_BROWSER") == "1":
            pytest.skip("COPRODUCTION_SKIP_BROWSER=1 and no axe-core")
        pytest.fail(f"axe-core is not installed at {AXE}: run `make install` (it runs npm ci there; needs npm).")
    return AXE.read_text(encoding="utf-8")
