"""System V IPC objects a job leaves behind, found and removed.

Shared-memory segments, semaphore sets and message queues outlive the
processes that made them: a learner's code could leave gigabytes of shared
memory behind, which the next learner's job on the same worker would see,
and which counts against the worker's memory until the next job is killed
for it. The sandbox gives each worker an IPC namespace of its own, so after
each job the worker removes every object in it (:func:`remove_all`); POSIX
shared memory lives in the sandbox's ``/dev/shm``, which is emptied too.
Outside the sandbox the learner's process asks Linux for an IPC namespace
of its own (:func:`unshare`), which only root may do; where it cannot,
``coproduction autograde`` says so.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["objects", "remove_all", "unshare"]

_TABLES = {"shm": "shmctl", "sem": "semctl", "msg": "msgctl"}
_IPC_RMID = 0
_CLONE_NEWIPC = 0x08000000


def objects() -> dict[str, list[int]]:
    """The ids of every System V IPC object this namespace holds, by kind."""
    found: dict[str, list[int]] = {}
    for kind in _TABLES:
        try:
            lines = Path(f"/proc/sysvipc/{kind}").read_text().splitlines()[1:]
        except OSError:
            continue
        found[kind] = [int(line.split()[1]) for line in lines if len(line.split()) > 1]
    return found


def remove_all() -> bool:
    """Remove every System V IPC object in this namespace; True if none is left."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return True
    for kind, ids in objects().items():
        call = getattr(libc, _TABLES[kind])
        for ident in ids:
            if kind == "sem":
                call(ident, 0, _IPC_RMID)
            else:
                call(ident, _IPC_RMID, None)
    return not any(objects().values())


def unshare() -> bool:
    """Move this process into an IPC namespace of its own (as root outside the
    sandbox); False where Linux refuses."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).unshare(_CLONE_NEWIPC) == 0
    except (OSError, AttributeError):
        return False
