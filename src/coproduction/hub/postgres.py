"""A PostgreSQL server of the project's own, for the gradebook.

An organisation running the course on a hub keeps nbgrader's gradebook in
PostgreSQL, not in a file beside the workspace: several trainers (and
Formgrader) write to it at once, and it is backed up with everything else.
A trust's database team will give the trainers a database URL; this module
is for everywhere else (the tests, a single-server hub, a trainer trying it
out): it makes a cluster in a folder with Debian's PostgreSQL programs,
listening only on a Unix socket inside that folder, starts it, makes
databases in it and stops it.

As root, PostgreSQL's programs refuse to run, so they run as the ``postgres``
account the Debian package creates. The cluster trusts everyone who can
reach its socket (the folder is the boundary): good for a test or one
server, not for a database on a network.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PostgresError", "LocalPostgres", "find_programs"]

#: The role that owns the cluster and the databases made in it.
SUPERUSER = "postgres"
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresError(RuntimeError):
    """PostgreSQL is missing or would not start; the message says what to do."""


def find_programs() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: Debian
    keeps them outside ``PATH``, under ``/usr/lib/postgresql/<version>/bin``."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise PostgresError("PostgreSQL is not installed: sudo apt-get install postgresql "
                            "(or give the gradebook's database URL with --db-url)")
    return Path(found[-1]).parent


@dataclass
class LocalPostgres:
    """A cluster in ``folder`` (made on first start, kept after stop)."""

    folder: Path

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder

    def url(self, database: str) -> str:
        """The SQLAlchemy URL nbgrader's gradebook takes (psycopg 3, over the socket)."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(find_programs() / program), *args]
        if os.geteuid() == 0:  # initdb and postgres refuse root
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        proc = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise PostgresError(f"{program} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc

    def start(self) -> "LocalPostgres":
        """Make the cluster if it is new, and start it; returns itself."""
        self.folder.mkdir(parents=True, exist_ok=True)
        if len(str(self.socket_dir)) > 90:  # a Unix socket's path must fit in 107 bytes
            raise PostgresError(f"{self.folder} is too long a path for PostgreSQL's socket: use a shorter one")
        if os.geteuid() == 0:
            account = pwd.getpwnam(SUPERUSER)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        if not (self.data / "PG_VERSION").is_file():
            self._run("initdb", "--pgdata", str(self.data), "--username", SUPERUSER, "--auth", "trust",
                      "--encoding", "UTF8", "--no-instructions")
        options = f"-c listen_addresses='' -c unix_socket_directories='{self.socket_dir}' -c fsync=off"
        self._run("pg_ctl", "--pgdata", str(self.data), "--options", options, "--wait",
                  "--log", str(self.folder / "server.log"), "start")
        return self

    @property
    def running(self) -> bool:
        """Whether the server answers (its process exists and its socket is there)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.is_file():
            return False
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (ValueError, ProcessLookupError):
            return False
        return any(self.socket_dir.glob(".s.PGSQL.*"))

    def stop(self) -> None:
        """Stop the server and wait until its process has gone."""
        if not (self.data / "postmaster.pid").is_file():
            return
        self._run("pg_ctl", "--pgdata", str(self.data), "--mode", "fast", "--wait", "stop")
        deadline = time.monotonic() + 30
        while self.running and time.monotonic() < deadline:
            time.sleep(0.1)
        if self.running:
            raise PostgresError(f"the PostgreSQL server in {self.data} did not stop")

    def create_database(self, name: str) -> str:
        """Make an empty database ``name`` (lower-case letters, digits and
        ``_``) and return its URL."""
        if not _NAME.fullmatch(name):
            raise PostgresError(f"{name!r} is not a database name this helper makes (a-z, 0-9, _)")
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user=SUPERUSER, dbname="postgres",
                             autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def __enter__(self) -> "LocalPostgres":
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
