"""One grading worker process, as the host starts, watches and stops it.

A worker (:mod:`coproduction.cohort.worker`, which runs in the sandbox)
starts with one end of a control socket as its standard input, its output in
``logs/worker-N.log``, a scratch folder of its own, and, where the host can
make one, a control group that caps its processes and memory
(:data:`coproduction.cohort.settings.LIMITS`). It dies with the host.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

from coproduction.cohort.sandbox import Cgroup, Sandbox, worker_command
from coproduction.cohort.settings import LIMITS

__all__ = ["Worker"]


class Worker:
    """A running worker: its process, control socket, log and control group,
    whether it has said it is ready, and the job it runs (the pool's)."""

    def __init__(self, number: int, process: subprocess.Popen[bytes], control: socket.socket, log: Any,
                 cgroup: Cgroup | None, log_path: Path) -> None:
        self.number, self.process, self.control, self.log, self.cgroup = number, process, control, log, cgroup
        self.log_path = log_path
        self.ready = False
        self.started = time.monotonic()
        self.job: Any = None

    @classmethod
    def start(cls, number: int, datasets: Path, sandbox_mode: str, logs: Path) -> tuple["Worker", Sandbox | None]:
        """Start worker ``number``; also returns the sandbox it runs in (None: unsandboxed)."""
        from coproduction.cohort.process import die_with_parent

        scratch = logs / f"scratch-{number}"
        scratch.mkdir(parents=True, exist_ok=True)
        host_end, worker_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command, sandbox = worker_command(datasets, sandbox_mode, scratch, control=0)
        env = {**os.environ, "COPRODUCTION_DATASETS": str(datasets), "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
        log_path = logs / f"worker-{number}.log"
        log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        cgroup = Cgroup.create(f"coproduction-{os.getpid()}-{number}", LIMITS.processes,
                               LIMITS.memory_total + 1024**3)  # the worker's own memory on top

        def before_exec() -> None:
            die_with_parent()
            if cgroup is not None:
                cgroup.join()

        process = subprocess.Popen(command, stdin=worker_end, stdout=log, stderr=log, cwd=scratch, env=env,
                                   start_new_session=True, preexec_fn=before_exec)
        worker_end.close()
        return cls(number, process, host_end, log, cgroup, log_path), sandbox

    def stop(self) -> None:
        """Kill the worker and everything it started, and release what it held."""
        try:
            os.killpg(self.process.pid, 9)
        except (ProcessLookupError, PermissionError):
            pass
        self.process.wait()
        self.control.close()
        self.log.close()
        if self.cgroup is not None:
            self.cgroup.remove()

    def log_tail(self, characters: int = 1500) -> str:
        """The end of the worker's log, for a message when it could not start."""
        return self.log_path.read_text(errors="replace")[-characters:]
