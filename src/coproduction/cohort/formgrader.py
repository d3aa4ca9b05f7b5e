"""Start nbgrader's Formgrader on a cohort workspace, where a trainer marks
the written answers.

Formgrader runs inside a Jupyter server started in the workspace, so it
reads the workspace's ``nbgrader_config.py`` and gradebook. The server is
told its port and access token up front, and refuses rather than moves to
another port if that one is taken, so the address printed is the address it
serves. Jupyter refuses to run as root unless told; a trainer working as
root (a container, a training server) is allowed here, with a warning.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from coproduction.cohort.workspace import CohortError, Workspace

__all__ = ["run_formgrader", "formgrader_command", "free_port"]


def free_port(ip: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the system's choice)."""
    with socket.socket() as probe:
        probe.bind((ip, 0))
        return int(probe.getsockname()[1])


def _port(asked: int | None, ip: str) -> int:
    for value in (asked, os.environ.get("JUPYTER_PORT"), os.environ.get("PORT")):
        if value not in (None, ""):
            try:
                port = int(value)  # type: ignore[arg-type]
            except ValueError:
                raise CohortError(f"The port {value!r} is not a number.") from None
            if not 0 < port < 65536:
                raise CohortError(f"The port {port} is out of range (1-65535).")
            return port
    return free_port(ip)


def formgrader_command(ws: Workspace, port: int, ip: str, token: str) -> list[str]:
    """The Jupyter server command that serves Formgrader for ``ws``."""
    command = [sys.executable, "-m", "jupyter", "server", "--no-browser", f"--ServerApp.ip={ip}",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--ServerApp.root_dir={ws.root}",
               f"--IdentityProvider.token={token}", "--ServerApp.default_url=/formgrader",
               # Formgrader shows learners' work: a strict Content Security Policy on its pages.
               "--ServerApp.jpserver_extensions=coproduction.cohort.guard=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status < 500
    except OSError:
        return False


def run_formgrader(ws: Workspace, port: int | None = None, ip: str = "127.0.0.1",
                   ready_timeout: float = 90.0) -> int:
    """Serve Formgrader for ``ws`` until interrupted; print its address once it answers."""
    port = _port(port, ip)
    token = secrets.token_hex(24)
    host = "localhost" if ip in {"127.0.0.1", "localhost", "0.0.0.0"} else ip
    address = f"http://{host}:{port}/formgrader?token={token}"
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        print("Running as root: Jupyter is allowed to, but a trainer's ordinary account is safer.", file=sys.stderr)
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    log = ws.root / "logs" / "formgrader.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as out:
        server = subprocess.Popen(formgrader_command(ws, port, ip, token), cwd=ws.root, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + ready_timeout
            while not _answers(f"http://{'127.0.0.1' if ip == '0.0.0.0' else ip}:{port}/api/status?token={token}"):
                if server.poll() is not None:
                    raise CohortError(f"Formgrader did not start (port {port} may be in use); see {log}.")
                if time.monotonic() > deadline:
                    raise CohortError(f"Formgrader did not answer within {ready_timeout:.0f} s; see {log}.")
                time.sleep(0.3)
            print(f"Formgrader for {ws.root} is at:\n\n    {address}\n\n"
                  "Open that address in a browser to mark the written answers. Stop it with Ctrl+C; then run "
                  "`coproduction feedback` to put your marks and comments on the learners' pages.", flush=True)
            return server.wait()
        finally:
            if server.poll() is None:
                server.terminate()
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
