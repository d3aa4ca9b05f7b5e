"""Start and stop the course's JupyterHub on this machine, and talk to it.

:class:`Hub` runs ``jupyterhub`` with ``deploy/hub/jupyterhub_config.py`` on
a state folder, waits until it answers, speaks its REST API with the
course-admin token, and on stop checks that the hub, its proxy and every
learner's server have gone. ``make hub`` uses it; so do the hub test and
the capacity benchmark.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Hub", "HubError", "CONFIG"]

CONFIG = Path(__file__).resolve().parents[3] / "deploy" / "hub" / "jupyterhub_config.py"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HubError(RuntimeError):
    """The hub would not start, or a request to it failed; the message says why."""


@dataclass
class Hub:
    """One JupyterHub, its state in ``state``, on ``127.0.0.1:port`` (0: any free port)."""

    state: Path
    port: int = 8000
    learners: tuple[str, ...] = ()
    trainers: tuple[str, ...] = ()
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    token: str = field(default_factory=lambda: secrets.token_hex(32))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Hub":
        self.state.mkdir(parents=True, exist_ok=True)
        api_port = self.port + 1
        if self.port == 0:  # tests and benchmarks: two free ports, the proxy's and the hub's own
            self.port, api_port = _free_port(), _free_port()
        env = {**os.environ, "COPRODUCTION_HUB_STATE": str(self.state), "COPRODUCTION_HUB_PORT": str(self.port),
               "COPRODUCTION_HUB_API_PORT": str(api_port),
               "COPRODUCTION_HUB_USERS": ",".join(self.learners),
               "COPRODUCTION_HUB_TRAINERS": ",".join(self.trainers),
               "COPRODUCTION_HUB_PASSWORD": self.password, "COPRODUCTION_HUB_ADMIN_TOKEN": self.token,
               "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
        log = (self.state / "jupyterhub.log").open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)], cwd=self.state,
                                        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise HubError(f"JupyterHub stopped at start (exit {self.process.returncode}):\n{self.log_tail()}")
            try:
                self.api("GET", "/users")
                return self
            except (HubError, OSError):
                time.sleep(0.5)
        self.stop()
        raise HubError(f"JupyterHub did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.state / "jupyterhub.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.is_file() else ""

    def request(self, method: str, path: str, token: str | None = None, body: Any = None,
                timeout: float = 120) -> Any:
        """A request to the hub or through its proxy (``/user/<name>/...``); JSON in and out."""
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {token or self.token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as reply:
                text = reply.read().decode()
        except urllib.error.HTTPError as err:
            raise HubError(f"{method} {path}: {err.code} {err.read().decode(errors='replace')[:500]}") from err
        return json.loads(text) if text.strip() else None

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """A request to the hub's REST API with the course-admin token."""
        return self.request(method, "/hub/api" + path, body=body)

    def user_token(self, name: str) -> str:
        """A new API token for learner ``name`` (to act as them, as their browser would)."""
        return self.api("POST", f"/users/{urllib.parse.quote(name)}/tokens", {"note": "course test"})["token"]

    def start_server(self, name: str, timeout: float = 120) -> None:
        """Start ``name``'s JupyterLab server and wait until it is ready."""
        quoted = urllib.parse.quote(name)
        try:
            self.api("POST", f"/users/{quoted}/server")
        except HubError as err:
            if "is already running" not in str(err):
                raise
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{quoted}")["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise HubError(f"{name}'s server did not start within {timeout:.0f} s:\n{self.log_tail()}")

    def stop_server(self, name: str) -> None:
        self.api("DELETE", f"/users/{urllib.parse.quote(name)}/server")

    def stop(self, timeout: float = 60) -> None:
        """Stop the hub (which stops the proxy and every learner's server) and
        wait until every process it started has gone."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        deadline = time.monotonic() + timeout
        while self.leftovers() and time.monotonic() < deadline:
            time.sleep(0.2)
        left = self.leftovers()
        if left:
            for pid in left:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            raise HubError(f"processes the hub started were still running after it stopped: {left}")

    def leftovers(self) -> list[int]:
        """Processes the hub started that are still running: the hub, its proxy,
        learners' servers and their kernels. Each carries the hub's state folder
        in its environment (learners' servers start sessions of their own, so
        the process tree alone would miss them)."""
        marker = f"COPRODUCTION_HUB_STATE={self.state}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                if marker in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:  # gone, or not ours to read
                continue
        return found

    def __enter__(self) -> "Hub":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m coproduction.hub.server",
                                     description="Start the course's JupyterHub on this machine until Ctrl-C "
                                                 "(a trial: one shared password; see deploy/hub/).")
    parser.add_argument("--state", type=Path, default=Path("hub-state"),
                        help="folder for the hub's state, learners' homes and the exchange (default: hub-state)")
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    parser.add_argument("--learners", default="", help="learners' user names, comma-separated")
    parser.add_argument("--trainers", default="trainer", help="trainers' user names (default: trainer)")
    args = parser.parse_args(argv)
    split = lambda text: tuple(n.strip() for n in text.split(",") if n.strip())  # noqa: E731
    hub = Hub(args.state.resolve(), args.port, split(args.learners), split(args.trainers)).start()
    print(f"The course's hub is at {hub.url} (password for everyone: {hub.password}).\n"
          f"The exchange is {hub.state / 'exchange'}: create the cohort with --exchange there. Ctrl-C stops it.")
    try:
        hub.process.wait()  # type: ignore[union-attr]
    except KeyboardInterrupt:
        print("Stopping the hub and every learner's server…")
    finally:
        hub.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
