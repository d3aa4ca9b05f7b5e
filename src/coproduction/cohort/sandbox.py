"""Where learners' code runs while it is graded: a bubblewrap sandbox.

Inside it, learner code runs as an unprivileged user (``nobody``) with no
capabilities at all, in its own user, process, IPC, network and mount
namespaces. It sees the operating system's programs and libraries, this
Python environment, the course's package and datasets, all read-only, and
two small scratch folders in memory it may write to (``/tmp``, 256 MB, and
``/dev/shm``, 16 MB); the root of the tree and ``/dev`` are read-only too.
With no capability it cannot mount, unmount or remount anything, so the
read-only binds stay read-only and ``/proc`` stays its own; it cannot make
a user namespace of its own to gain capabilities there (``--disable-userns``).
It does not see the cohort workspace (gradebook, submissions, feedback), the
instructor notebooks, the repository, or anyone's home folder, and it has no
network. The grading worker is the first process of its process namespace
(``--as-pid-1``): no other process there holds the worker's channels or log,
and a learner's code cannot signal it to death. Bubblewrap is the Debian package ``bubblewrap`` (``make install``
and ``.ci/run`` install it where they can).

Where bubblewrap cannot run, :func:`worker_command` falls back to a plain
process with a scratch folder and resource limits, and :func:`status` says
plainly what that does not protect.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coproduction.cohort.settings import SCRATCH_SPACE

__all__ = ["SandboxError", "Sandbox", "status", "available", "worker_command", "SCRATCH", "Cgroup"]

#: The learner's working folder inside the sandbox; /tmp is emptied after each job.
SCRATCH = Path("/tmp/work")

INSTALL_HINT = "install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu) and run again"


class SandboxError(RuntimeError):
    """The sandbox was required but cannot run here."""


@dataclass(frozen=True)
class Sandbox:
    """Whether grading is sandboxed, and why not if it is not."""

    enabled: bool
    reason: str = ""


def _python_paths() -> list[Path]:
    """Folders this Python needs: the interpreter's installation, the
    environment's packages, and the course package (an editable install
    points outside site-packages)."""
    import coproduction

    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(coproduction.__file__).resolve().parents[1]}
    paths |= {Path(p) for p in (sysconfig.get_path("stdlib"), sysconfig.get_path("purelib"),
                                sysconfig.get_path("platlib")) if p}
    paths.add(Path(sys.executable).resolve().parent)
    # Keep the outermost folders only, and never the root of the file system.
    kept: list[Path] = []
    for path in sorted(p.resolve() for p in paths):
        if path != Path("/") and not any(path.is_relative_to(k) for k in kept):
            kept.append(path)
    return kept


#: The sandbox's user and group: ``nobody``, never root inside or out.
NOBODY = 65534


def _bwrap_args(datasets: Path) -> list[str]:
    args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--uid", str(NOBODY),
            "--gid", str(NOBODY), "--cap-drop", "ALL", "--die-with-parent", "--new-session", "--as-pid-1",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev",
            "--size", str(SCRATCH_SPACE.shm), "--tmpfs", "/dev/shm", "--size", str(SCRATCH_SPACE.tmp), "--tmpfs", "/tmp",
            "--dir", str(SCRATCH), "--ro-bind", str(datasets.resolve()), "/data"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", str(top.readlink()), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for path in _python_paths():
        if not path.is_relative_to("/usr"):
            args += ["--ro-bind", str(path), str(path)]
    args += ["--remount-ro", "/dev", "--remount-ro", "/",
             "--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", str(SCRATCH),
             "--setenv", "COPRODUCTION_DATASETS", "/data", "--setenv", "MPLCONFIGDIR", "/tmp/matplotlib",
             "--setenv", "IPYTHONDIR", "/tmp/ipython", "--setenv", "LANG", "C.UTF-8",
             "--chdir", str(SCRATCH)]
    return args


@lru_cache(maxsize=1)
def _probe() -> Sandbox:
    if not shutil.which("bwrap"):
        return Sandbox(False, f"bubblewrap (bwrap) is not installed: {INSTALL_HINT}")
    try:
        probe = subprocess.run([*_bwrap_args(Path("/usr")), sys.executable, "-c", "import coproduction"],
                               capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as err:
        return Sandbox(False, f"bubblewrap could not start: {err}")
    if probe.returncode != 0:
        return Sandbox(False, "bubblewrap is installed but cannot create a sandbox here "
                              f"({probe.stderr.strip()[:300]}); user namespaces may be disabled")
    return Sandbox(True)


def status() -> Sandbox:
    """Whether bubblewrap can sandbox grading on this machine."""
    return _probe()


def available() -> bool:
    return status().enabled


def worker_command(datasets: Path, mode: str, scratch: Path, control: int = 0) -> tuple[list[str], Sandbox]:
    """The command that starts one grading worker, whose control socket is
    descriptor ``control``.

    ``mode`` is ``"auto"`` (sandbox if possible), ``"required"`` (raise
    :class:`SandboxError` if not) or ``"off"``. ``scratch`` is the worker's
    own scratch folder when it is not sandboxed.
    """
    worker = [sys.executable, "-m", "coproduction.cohort.worker", "--control", str(control)]
    if mode not in {"auto", "required", "off"}:
        raise ValueError(f"sandbox must be auto, required or off, not {mode!r}")
    found = status() if mode != "off" else Sandbox(False, "turned off with --sandbox off")
    if found.enabled:
        return [*_bwrap_args(datasets), *worker, "--workdir", str(SCRATCH), "--wipe", "/tmp",
                "--wipe", "/dev/shm", "--sandboxed"], found
    if mode == "required":
        raise SandboxError(f"grading must be sandboxed but {found.reason}")
    return [*worker, "--workdir", str(scratch / "work")], found


CGROUPS = Path("/sys/fs/cgroup")


class Cgroup:
    """A control group capping the processes and memory of one worker's
    sandbox, all its processes together, where this user may make one (as
    root, or in a delegated cgroup). Elsewhere :meth:`create` returns None
    and the worker's own limits do the job: a per-process memory limit,
    ``RLIMIT_NPROC`` (which Linux does not apply to root, hence this) and a
    watch on the memory all the job's processes hold."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    @classmethod
    def create(cls, name: str, processes: int, memory: int) -> Cgroup | None:
        settings = {"pids": {"pids.max": processes},
                    "memory": {"memory.max": memory, "memory.limit_in_bytes": memory, "memory.swap.max": 0}}
        made: list[Path] = []
        try:
            for line in Path("/proc/self/cgroup").read_text().splitlines():
                number, controllers, where = line.split(":", 2)
                wanted = [c for c in controllers.split(",") if c in settings]
                if number == "0" and not controllers:  # the unified (v2) hierarchy
                    available_here = (CGROUPS / where.lstrip("/") / "cgroup.controllers")
                    wanted = [c for c in settings if available_here.is_file()
                              and c in available_here.read_text().split()]
                    base = CGROUPS / where.lstrip("/")
                elif wanted:
                    base = CGROUPS / wanted[0] / where.lstrip("/")
                else:
                    continue
                if not wanted or not os.access(base, os.W_OK):
                    continue
                _remove_stale(base)
                folder = base / name
                folder.mkdir(exist_ok=True)
                made.append(folder)
                for controller in wanted:
                    for key, value in settings[controller].items():
                        if (folder / key).exists():
                            (folder / key).write_text(str(value))
        except (OSError, ValueError):
            for folder in made:
                _rmdir(folder)
            return None
        keys = {p.name for folder in made for p in folder.iterdir()}
        if not made or "pids.max" not in keys:
            for folder in made:
                _rmdir(folder)
            return None
        return cls(made)

    def join(self) -> None:
        """Move the calling process (and so everything it starts) into the
        group; if Linux refuses, the worker's own limits still hold."""
        for folder in self.folders:
            try:
                (folder / "cgroup.procs").write_text(str(os.getpid()))
            except OSError:
                pass

    def remove(self) -> None:
        for folder in self.folders:
            _rmdir(folder)


def _remove_stale(base: Path) -> None:
    """Groups left by a grading run that was killed before it could remove them."""
    for folder in base.glob("coproduction-*-*"):
        try:
            os.kill(int(folder.name.split("-")[1]), 0)
        except ProcessLookupError:
            _rmdir(folder)
        except (ValueError, PermissionError):
            pass


def _rmdir(folder: Path) -> None:
    for _ in range(50):  # a process that has just been killed may still be leaving
        try:
            folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            import time

            time.sleep(0.02)
