"""The grading worker: pays for Python's start and the imports once, then
forks a fresh child for each learner's notebook.

One worker runs per core, usually inside the sandbox. It reads jobs from
stdin and writes events to stdout, one JSON object per line:

* job: ``{"job": id, "cells": [{"index": i, "source": code}], "timeout": s,
  "max_output": characters}``
* events: ``{"job": id, "cell": {...}}`` as each cell finishes (so a timeout
  or a crash keeps what ran), then ``{"job": id, "end": status, "detail":
  text, "seconds": s}`` with status ``finished``, ``timeout`` or ``crashed``.

The child is a copy of the worker made just before the learner's code runs,
so nothing one learner's notebook defines, patches or writes can reach the
next: the worker itself never runs learner code, and after each job it kills
whatever the child left running and empties the scratch folder.

Run as ``python -m coproduction.cohort.worker --workdir DIR [--wipe DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import select
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any, Iterator

# No thread pools before the fork: a forked child keeps only one thread.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

__all__ = ["PRELOAD", "preload", "make_shell", "run_job", "main"]

#: What the exercises import, paid for once per worker instead of once per learner.
PRELOAD: tuple[str, ...] = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "IPython",
    "coproduction.checks", "coproduction.data", "coproduction.ladder", "coproduction.power",
    "coproduction.investment", "coproduction.evidence", "coproduction.practice",
)

#: A job's child may use this much memory before Python raises MemoryError.
MEMORY_LIMIT = 4 * 1024**3
#: Largest file a learner's code may write in its scratch folder.
FILE_LIMIT = 64 * 1024**2


def preload(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import the libraries learners' notebooks use."""
    import importlib

    for name in modules:
        importlib.import_module(name)


class _Recorder:
    """Collects one cell's outputs in nbformat's shape, keeping at most
    ``limit`` characters of text and saying how much it dropped."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.outputs: list[dict[str, Any]] = []
        self.kept = 0
        self.dropped = 0

    def start(self) -> None:
        self.outputs, self.kept, self.dropped = [], 0, 0

    def _room(self, text: str) -> str:
        room = max(self.limit - self.kept, 0)
        self.dropped += max(len(text) - room, 0)
        text = text[:room]
        self.kept += len(text)
        return text

    def stream(self, name: str, text: str) -> None:
        text = self._room(text)
        if not text:
            return
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})

    def bundle(self, kind: str, data: dict[str, Any], metadata: dict[str, Any] | None,
               count: int | None = None) -> None:
        size = len(json.dumps(data, default=str))
        if self.kept + size > self.limit:
            self.dropped += size
            data = {"text/plain": f"[a display of {size:,} characters was not kept]"}
        else:
            self.kept += size
        output: dict[str, Any] = {"output_type": kind, "data": data, "metadata": metadata or {}}
        if kind == "execute_result":
            output["execution_count"] = count
        self.outputs.append(output)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        traceback = [self._room(line) for line in traceback[-50:]]
        self.outputs.append({"output_type": "error", "ename": ename, "evalue": self._room(evalue),
                             "traceback": traceback})

    def finish(self) -> list[dict[str, Any]]:
        if self.dropped:  # on stdout: nbgrader fails a test cell that writes to stderr
            self.outputs.append({"output_type": "stream", "name": "stdout",
                                 "text": f"\n[output limit: {self.dropped:,} characters not kept]\n"})
        return self.outputs


_RECORDER = _Recorder(0)


class _Stream:
    """A text stream that records into the current cell's outputs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        _RECORDER.stream(self.name, str(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("this stream has no file descriptor")


def make_shell() -> Any:
    """An IPython shell whose outputs, results and errors are recorded."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Hook(DisplayHook):
        def start_displayhook(self) -> None:
            pass

        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
            _RECORDER.bundle("execute_result", format_dict, md_dict, self.prompt_count)

        def finish_displayhook(self) -> None:
            pass

    class Publisher(DisplayPublisher):
        def publish(self, data: dict, metadata: dict | None = None, *args: Any, **kwargs: Any) -> None:
            _RECORDER.bundle("display_data", data, metadata)

        def clear_output(self, wait: bool = False) -> None:
            pass

    class Shell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Publisher

        def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
            _RECORDER.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.autocall = 0
    return Shell.instance(config=config)


def _limit_resources() -> None:
    for limit, value in ((resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_FSIZE, FILE_LIMIT)):
        soft, hard = resource.getrlimit(limit)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(limit, (cap, hard))


def die_with_parent() -> None:
    """Ask Linux to kill this process if its parent dies (so nothing a
    learner started outlives an interrupted run). No-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(shell: Any, cells: list[dict[str, Any]], fd: int, max_output: int, workdir: Path) -> None:
    """Run the cells in this fresh process, writing each result to ``fd``."""
    os.setsid()  # its own process group, so the worker can end everything it starts
    die_with_parent()
    devnull = os.open(os.devnull, os.O_RDWR)
    for std in (0, 1, 2):  # learner code must never write into the worker's protocol
        os.dup2(devnull, std)
    _limit_resources()
    os.chdir(workdir)
    os.environ.update({"HOME": str(workdir), "NBGRADER_EXECUTION": "autograde", "PWD": str(workdir)})
    sys.stdin = open(os.devnull)  # noqa: SIM115 - input() then fails at once instead of waiting
    sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")  # type: ignore[assignment]
    _RECORDER.limit = max_output
    pipe = os.fdopen(fd, "w", encoding="utf-8")
    for count, cell in enumerate(cells, 1):
        _RECORDER.start()
        shell.execution_count = count
        shell.run_cell(cell["source"], store_history=True)
        line = json.dumps({"index": cell["index"], "execution_count": count, "outputs": _RECORDER.finish()})
        pipe.write(line + "\n")
        pipe.flush()
    pipe.write('{"done": true}\n')
    pipe.flush()


def _kill_leftovers(child: int, sandboxed: bool) -> None:
    """End the child's process group and, in the sandbox's own process
    namespace, every other process but the worker and its parent."""
    try:
        os.killpg(child, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if not sandboxed:
        return
    keep = {os.getpid(), os.getppid(), 1}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep:
            try:
                os.kill(int(entry), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _empty(folder: Path) -> None:
    """Remove everything inside ``folder`` (it may not exist yet)."""
    if not folder.exists():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def run_job(job: dict[str, Any], shell: Any, workdir: Path, wipe: list[Path], sandboxed: bool
            ) -> Iterator[dict[str, Any]]:
    """Run one learner's cells in a forked child; yield events as they come."""
    ident = job["job"]
    expected = {cell["index"] for cell in job["cells"]}
    budget = 4 * int(job["max_output"]) * max(len(expected), 1) + 65536  # what the pipe may carry
    workdir.mkdir(parents=True, exist_ok=True)
    read, write = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.close(read)
            _child(shell, job["cells"], write, int(job["max_output"]), workdir)
        finally:
            os._exit(0)
    os.close(write)
    deadline = start + float(job["timeout"])
    buffer, received, done, status = b"", 0, False, "finished"
    with os.fdopen(read, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                status = "timeout"
                break
            ready, _, _ = select.select([pipe], [], [], remaining)
            if not ready:
                continue
            chunk = pipe.read(65536)
            if not chunk:
                break
            received += len(chunk)
            if received > budget:  # far beyond what the limits allow: not our child speaking
                status = "crashed"
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = _parse(line, expected)
                if event == "done":
                    done = True
                elif event is not None:
                    expected.discard(event["index"])
                    yield {"job": ident, "cell": event}
    _kill_leftovers(pid, sandboxed)
    _, code = os.waitpid(pid, 0)
    detail = ""
    if status == "timeout":
        detail = f"stopped after {job['timeout']} seconds"
    elif not done:
        status = "crashed"
        signum = os.WTERMSIG(code) if os.WIFSIGNALED(code) else None
        detail = (f"the Python process was killed by signal {signum} ({signal.Signals(signum).name})"
                  if signum else f"the Python process exited early (code {os.waitstatus_to_exitcode(code)})")
    for folder in (workdir, *wipe):
        _empty(folder)
    yield {"job": ident, "end": status, "detail": detail, "seconds": time.monotonic() - start}


def _parse(line: bytes, expected: set[int]) -> dict[str, Any] | str | None:
    """One line from the child, checked for shape; anything else is ignored."""
    try:
        event = json.loads(line)
    except ValueError:
        return None
    if event == {"done": True}:
        return "done"
    if (isinstance(event, dict) and event.get("index") in expected
            and isinstance(event.get("outputs"), list) and isinstance(event.get("execution_count"), int)):
        return {"index": event["index"], "execution_count": event["execution_count"],
                "outputs": event["outputs"]}
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, required=True, help="the learner's scratch folder")
    parser.add_argument("--wipe", type=Path, action="append", default=[],
                        help="a folder to empty after each job (e.g. the sandbox's /tmp)")
    parser.add_argument("--sandboxed", action="store_true", help="running in its own process namespace")
    args = parser.parse_args(argv)
    protocol = sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints from the libraries must not reach the protocol
    os.chdir("/")  # the scratch folder is emptied between jobs
    preload()
    shell = make_shell()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the host decides when to stop
    protocol.write(json.dumps({"ready": os.getpid()}).encode() + b"\n")
    protocol.flush()
    for line in sys.stdin.buffer:
        job = json.loads(line)
        for event in run_job(job, shell, args.workdir, args.wipe, args.sandboxed):
            protocol.write(json.dumps(event).encode() + b"\n")
            protocol.flush()


if __name__ == "__main__":
    main()
