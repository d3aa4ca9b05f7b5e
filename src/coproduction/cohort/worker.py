"""The grading worker: pays for Python's start and the imports once, then
forks a fresh process for each learner's notebook and watches over it.

One worker runs per core, usually inside the sandbox. Its only channel is a
control socket to the host (``--control FD``, a Unix ``SOCK_SEQPACKET``),
on which it takes :class:`~coproduction.cohort.protocol.StartJob` (with the
job's own channel as a descriptor), ``StopJob`` and ``InterruptJob``, and
sends ``Ready`` once and ``JobEnded`` after each job (all in
:mod:`coproduction.cohort.protocol`).

The worker never sees a learner's cells: the host sends them straight to the
learner's process over the job's channel, so nothing of one learner's work
(or of the hidden tests) is ever in the memory the next learner's process is
copied from. The worker is not dumpable, so a learner's process (same user)
cannot read its memory or open its descriptors through ``/proc``; it shares
no descriptor with the learner's process but that job's channel. After each
job it kills every process the job left (in the sandbox, everything in its
process namespace but itself, with ``kill(-1)``, which needs no ``/proc``),
empties the scratch folders, and checks the memory all the job's processes
hold together.

Run as ``python -m coproduction.cohort.worker --control FD --workdir DIR
[--wipe DIR]... [--sandboxed]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import select
import shutil
import signal
import socket
import stat
import sys
import time
from pathlib import Path

# No thread pools before the fork: a forked child keeps only one thread.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

from coproduction.cohort import ipc  # noqa: E402
from coproduction.cohort.channel import ProtocolError, receive_control, send_control  # noqa: E402
from coproduction.cohort.process import not_dumpable, subreaper  # noqa: E402
from coproduction.cohort.protocol import InterruptJob, JobEnded, Ready, StartJob, StopJob, read  # noqa: E402
from coproduction.cohort.settings import LIMITS  # noqa: E402
from coproduction.modules import topics  # noqa: E402

__all__ = ["PRELOAD", "preload", "main"]

#: What the exercises import, paid for once per worker instead of once per learner:
#: the libraries, the course's shared code and every topic the registry declares.
PRELOAD: tuple[str, ...] = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "matplotlib_inline.backend_inline", "IPython",
    "coproduction.checks", "coproduction.data", "coproduction.questions",
    *(f"coproduction.{topic}" for topic in topics()),
)
_POLL = 0.02  # seconds between memory checks


def preload(modules: tuple[str, ...] = PRELOAD) -> None:
    """Import the libraries learners' notebooks use."""
    import importlib

    for name in modules:
        importlib.import_module(name)
    from coproduction.checks import reference

    for name in modules:  # the hidden checks' pristine copies, loaded once per worker
        if name.startswith("coproduction.") and name not in {"coproduction.checks", "coproduction.data"}:
            reference(name, "__name__")
    from coproduction.exercise.key import KEYS, load_key

    for key in KEYS.glob("*.json"):  # the core track's keys, read once per worker
        load_key(key.stem)


def _job_processes(sandboxed: bool) -> list[int]:
    """The job's processes: in the sandbox, every process in this namespace
    but the worker; elsewhere, every descendant of the worker (it is their
    subreaper, so even a process that left its session is still one)."""
    me = os.getpid()
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        if sandboxed:
            parents[int(entry)] = me
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat_file:
                parents[int(entry)] = int(stat_file.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            pass
    found, frontier = [], [me]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _resident(pids: list[int]) -> int:
    """Bytes the processes hold in memory, shared pages counted once.

    The resident sizes are quick to read but count memory a fork shares
    with its parent once per process; only when they add up past the limit
    is the proportional size (``smaps_rollup``, slower) read to decide."""
    page = os.sysconf("SC_PAGE_SIZE")
    quick = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                quick += int(statm.read().split()[1]) * page
        except (OSError, ValueError, IndexError):
            pass
    if quick <= LIMITS.memory_total:
        return quick
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
                for line in rollup:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except (OSError, ValueError, IndexError):
            pass
    return total


def _reap(statuses: dict[int, int | None]) -> None:
    """Collect every ended process this worker is parent of, noting the
    wait status of those in ``statuses``."""
    try:
        while True:
            pid, code = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                return
            if pid in statuses:
                statuses[pid] = code
    except ChildProcessError:
        return


def _kill_all(statuses: dict[int, int | None], sandboxed: bool) -> None:
    """End every process the job started and wait until they are gone,
    noting the wait status of those in ``statuses``."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if sandboxed:
                os.kill(-1, signal.SIGKILL)  # everything here but this worker (needs no /proc)
            else:
                left = _job_processes(False)
                if not left:
                    break
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        except (ProcessLookupError, PermissionError):
            break
        _reap(statuses)
        time.sleep(0.002)
    _reap(statuses)
    for pid, status in statuses.items():
        if status is None:
            try:
                statuses[pid] = os.waitpid(pid, 0)[1]
            except ChildProcessError:
                pass


def _empty(folder: Path) -> bool:
    """Remove everything inside ``folder``, whatever modes the learner's code
    set; True if it is empty afterwards."""
    if not folder.exists():
        return True

    def unlock(function: object, path: str, _: object) -> None:
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            os.chmod(path, stat.S_IRWXU)
        except OSError:
            pass
        try:
            (shutil.rmtree if os.path.isdir(path) and not os.path.islink(path) else os.unlink)(path)
        except OSError:
            pass

    os.chmod(folder, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, onerror=unlock)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                unlock(None, entry.path, None)
    return not any(folder.iterdir())


def _fork(shell: object, channel_fd: int, peer_fd: int, others: list[int], job: StartJob, workdir: Path,
          limits: dict[int, int], judge: bool) -> int:
    pid = os.fork()
    if pid == 0:
        from coproduction.cohort import runner

        for fd in others:  # the other process's ends: never inherited across
            os.close(fd)
        serve = None
        if judge:
            from coproduction.cohort.judge import serve
        runner.start_child(shell, channel_fd, job.max_output, str(workdir), limits, peer_fd, serve)
    return pid


def _how(status: int | None) -> str:
    if status is None:
        return "it did not end"
    if os.WIFSIGNALED(status):
        return f"it was killed by signal {os.WTERMSIG(status)}"
    return "" if os.waitstatus_to_exitcode(status) == 0 else f"it exited with code {os.waitstatus_to_exitcode(status)}"


def run_job(shell: object, control: socket.socket, job: StartJob, fds: list[int], workdir: Path,
            wipe: list[Path], sandboxed: bool) -> JobEnded:
    """Fork the job's two processes, the judge and the learner's (each with
    its channel to the host in ``fds``, and a line between them), and watch
    them to the end."""
    workdir.mkdir(parents=True, exist_ok=True)
    limits = {resource.RLIMIT_AS: LIMITS.memory_each, resource.RLIMIT_FSIZE: LIMITS.file_size}
    if sandboxed:
        limits[resource.RLIMIT_NPROC] = LIMITS.processes
    learner_fd, judge_fd = fds
    judge_end, learner_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    ends = [learner_fd, judge_fd, judge_end.fileno(), learner_end.fileno()]
    judge = _fork(shell, judge_fd, judge_end.fileno(), [learner_fd, learner_end.fileno()], job, workdir, limits,
                  True)
    pid = _fork(shell, learner_fd, learner_end.fileno(), [judge_fd, judge_end.fileno()], job, workdir, limits,
                False)
    for fd in ends:
        os.close(fd)
    judge_end.detach()
    learner_end.detach()
    statuses: dict[int, int | None] = {pid: None, judge: None}
    reason = ""
    watches = {os.pidfd_open(pid): pid, os.pidfd_open(judge): judge}
    try:
        while any(s is None for s in statuses.values()):
            ready, _, _ = select.select([*watches, control], [], [], _POLL)
            for watch in [w for w in ready if w in watches]:
                statuses[watches[watch]] = os.waitpid(watches[watch], 0)[1]
                del watches[watch]
                os.close(watch)
            if control in ready:
                try:
                    message, received = receive_control(control, "the host")
                    order = read(message, StopJob, InterruptJob, where="the host") if message is not None else None
                except ProtocolError:
                    message, received, order = {}, [], None
                for fd in received:
                    os.close(fd)
                if message is None:  # the host has gone: end everything
                    _kill_all(statuses, sandboxed)
                    sys.exit(0)
                if isinstance(order, StopJob) and order.job == job.job:
                    reason = "stopped"
                    break
                if isinstance(order, InterruptJob) and order.job == job.job:
                    # The judge's cell may be waiting on a call it made to the learner's process: both stop.
                    for target in ((pid, judge) if order.judge else (pid,)):
                        if statuses[target] is None:
                            os.kill(target, signal.SIGINT)
            processes = _job_processes(sandboxed)
            if len(processes) > LIMITS.processes:  # where no control group or RLIMIT_NPROC caps them (root)
                reason = f"it started more than {LIMITS.processes} processes"
                break
            used = _resident(processes)
            if used > LIMITS.memory_total:
                reason = f"its processes used more than {LIMITS.memory_total / 1024**3:g} GB of memory together"
                break
    finally:
        for watch in watches:
            os.close(watch)
    _kill_all(statuses, sandboxed)
    ended = statuses[pid] if statuses[pid] is not None else 0
    # In the sandbox the worker's IPC namespace is the job's; outside it, it is the machine's, never emptied.
    clean = all(_empty(folder) for folder in (workdir, *wipe)) and (ipc.remove_all() if sandboxed else True)
    signum = os.WTERMSIG(ended) if os.WIFSIGNALED(ended) else 0
    return JobEnded(job.job, os.waitstatus_to_exitcode(ended) if not signum else None, signum, reason, clean,
                    "" if reason else _how(statuses[judge]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--control", type=int, required=True, help="descriptor of the control socket")
    parser.add_argument("--workdir", type=Path, required=True, help="the learner's scratch folder")
    parser.add_argument("--wipe", type=Path, action="append", default=[],
                        help="a folder to empty after each job (e.g. the sandbox's /tmp)")
    parser.add_argument("--sandboxed", action="store_true", help="running in its own process namespace")
    args = parser.parse_args(argv)
    not_dumpable()
    subreaper()
    control = socket.socket(fileno=args.control)
    sys.stdout = sys.stderr  # stray prints from the libraries go to the log
    os.chdir("/")  # the scratch folder is emptied between jobs
    preload()
    from coproduction.cohort.runner import make_shell

    shell = make_shell()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the host decides when to stop
    send_control(control, Ready(os.getpid()).message())
    while True:
        try:
            message, fds = receive_control(control, "the host")
        except ProtocolError as err:
            print(f"ignored: {err}", file=sys.stderr)
            continue
        if message is None:
            return
        try:
            job = read(message, StartJob, where="the host")
        except ProtocolError:
            job = None
        if not isinstance(job, StartJob) or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            continue
        result = run_job(shell, control, job, fds, args.workdir, args.wipe, args.sandboxed)
        send_control(control, result.message())
        if not result.clean:  # something the learner left could not be removed: start afresh
            return


if __name__ == "__main__":
    main()
