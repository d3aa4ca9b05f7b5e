"""Where learners' code runs while it is graded: a bubblewrap sandbox.

Inside it, learner code sees the operating system's programs and libraries
and this Python environment read-only, the course's package and datasets
read-only, and one empty scratch folder (in memory) it may write to. It does
not see the cohort workspace (gradebook, submissions, feedback), the
instructor notebooks, the repository, or anyone's home folder; it has no
network and its own process and IPC namespaces. Bubblewrap is the Debian
package ``bubblewrap`` (``make install`` and ``.ci/run`` install it where
they can).

Where bubblewrap cannot run, :func:`worker_command` falls back to a plain
process with a scratch folder and resource limits, and :func:`status` says
plainly what that does not protect.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["SandboxError", "Sandbox", "status", "available", "worker_command", "SCRATCH"]

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


def _bwrap_args(datasets: Path) -> list[str]:
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session",
            "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
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
    args += ["--clearenv", "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", str(SCRATCH),
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


def worker_command(datasets: Path, mode: str, scratch: Path) -> tuple[list[str], Sandbox]:
    """The command that starts one grading worker.

    ``mode`` is ``"auto"`` (sandbox if possible), ``"required"`` (raise
    :class:`SandboxError` if not) or ``"off"``. ``scratch`` is the worker's
    own scratch folder when it is not sandboxed.
    """
    worker = [sys.executable, "-m", "coproduction.cohort.worker"]
    if mode not in {"auto", "required", "off"}:
        raise ValueError(f"sandbox must be auto, required or off, not {mode!r}")
    found = status() if mode != "off" else Sandbox(False, "turned off with --sandbox off")
    if found.enabled:
        return [*_bwrap_args(datasets), *worker, "--workdir", str(SCRATCH), "--wipe", "/tmp",
                "--sandboxed"], found
    if mode == "required":
        raise SandboxError(f"grading must be sandboxed but {found.reason}")
    return [*worker, "--workdir", str(scratch / "work")], found
