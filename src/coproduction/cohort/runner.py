"""The learner's process: runs a submission's cells one at a time, as the
host sends them, in an IPython shell, and answers each with its outputs.

This is the only code that shares a process with a learner's code, so it is
written to be easy to check rather than clever:

* whether a cell failed is read from IPython's execution result, not from
  what was displayed, so replacing IPython's traceback display hides nothing;
* each cell arrives with a fresh random token and its answer must carry it;
  the host refuses answers for cells it has not sent;
* it never runs the hidden tests, and what it says about the test cells
  decides no mark: the test cells run whole in the judge
  (:mod:`coproduction.cohort.judge`), a process no learner code touches,
  which asks this one for the learner's values and calls the learner's
  functions through :func:`answer_judge`, as data;
* after each cell it notes whether the learner's code has replaced builtins,
  parts of IPython the grading relies on, or the course package's functions
  (the host then asks a trainer to review the submission);
* magics behave as in a kernel: ``%matplotlib inline`` draws into the
  outputs, ``%time`` and ``!command`` print into them.

Learner code runs in this process, as in nbgrader and Otter-Grader, so a
determined learner can make it say anything about the cells it runs; the
host compares what it says with the judge's findings and asks a trainer to
review any difference. What a learner cannot do is raise their own marks,
or reach the worker, other learners, the gradebook or the trainer's machine
(see :mod:`coproduction.cohort.sandbox`).
"""

from __future__ import annotations

import builtins
import json
import os
import socket
import sys
from typing import Any, Callable

from coproduction.cohort.protocol import Call, CellRan, Exit, Found, Lookup, RunCell, Serve, read

__all__ = ["make_shell", "serve", "answer_judge", "Recorder"]

# Bound now, before any learner code runs: the runner keeps using these even
# if a learner rebinds the module attributes.
_dumps, _loads = json.dumps, json.loads


class Recorder:
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
        try:
            data = {str(k): v if isinstance(v, (str, dict, list)) else str(v) for k, v in dict(data).items()}
            size = len(_dumps(data, default=str))
        except Exception:  # a display whose data cannot be recorded is noted, not fatal
            data, size = {"text/plain": "[a display that could not be recorded]"}, 0
        if self.kept + size > self.limit:
            self.dropped += size
            data = {"text/plain": f"[a display of {size:,} characters was not kept]"}
        else:
            self.kept += size
        output: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            output["execution_count"] = count
        self.outputs.append(output)

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        traceback = [self._room(str(line)) for line in list(traceback)[-50:]]
        self.outputs.append({"output_type": "error", "ename": str(ename), "evalue": self._room(str(evalue)),
                             "traceback": traceback})

    def finish(self) -> list[dict[str, Any]]:
        if self.dropped:  # on stdout: nbgrader fails a test cell that writes to stderr
            self.outputs.append({"output_type": "stream", "name": "stdout",
                                 "text": f"\n[output limit: {self.dropped:,} characters not kept]\n"})
        return self.outputs


RECORDER = Recorder(0)


class _Stream:
    """A text stream that records into the current cell's outputs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.encoding = "utf-8"

    def write(self, text: str) -> int:
        RECORDER.stream(self.name, str(text))
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
            RECORDER.bundle("execute_result", format_dict, md_dict, self.prompt_count)

        def finish_displayhook(self) -> None:
            pass

    class Publisher(DisplayPublisher):
        def publish(self, data: dict, metadata: dict | None = None, *args: Any, **kwargs: Any) -> None:
            RECORDER.bundle("display_data", data, metadata)

        def clear_output(self, wait: bool = False) -> None:
            pass

    class Shell(InteractiveShell):
        displayhook_class = Hook
        display_pub_class = Publisher

        def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
            RECORDER.error(getattr(etype, "__name__", str(etype)), str(evalue), list(stb))

        def enable_gui(self, gui: str | None = None) -> None:
            # A kernel's %matplotlib inline needs no event loop; there is no screen here.
            if gui not in (None, "inline"):
                raise RuntimeError(f"%matplotlib {gui} needs a screen; use %matplotlib inline")

    config = Config()
    config.HistoryManager.enabled = False
    config.InteractiveShell.colors = "NoColor"
    config.InteractiveShell.autocall = 0
    # Python's own traceback (each frame's line, then the error) rather than IPython's
    # default with code around each line: what a trainer or learner reads is the same
    # error at the same line, and it costs about 1 ms instead of 20 ms (stack_data).
    config.InteractiveShell.xmode = "Plain"
    shell = Shell.instance(config=config)
    _warm_up(shell)
    return shell


def _warm_up(shell: Any) -> None:
    """Format one traceback now, in the worker, so that every learner's
    process (a fork of it) inherits what the first traceback costs (IPython's
    formatter and the source lines it reads: 14 ms, against 1 ms for each
    traceback after it). Only course code is in the traceback, and nothing of
    it is kept but those caches."""
    from coproduction.checks import plain

    try:
        plain(object())
    except Exception:  # raised inside a course module, as a failing check is
        shell.InteractiveTB.structured_traceback(*sys.exc_info())


# What grading relies on, as the process holds it before any learner code runs.
_SHELL_METHODS = ("run_cell", "run_cell_async", "run_code", "run_ast_nodes", "showtraceback",
                  "_showtraceback", "transform_cell", "system", "system_piped")


def _course_functions(names: list[str] | None = None) -> dict[str, int]:
    """Identities of the course package's modules and their functions: of
    the modules ``names``, or of every course module loaded."""
    if names is None:
        names = [n for n in list(sys.modules) if n == "coproduction" or n.startswith("coproduction.")]
    found = {}
    for name in names:
        module = sys.modules.get(name)
        if module is not None:
            for attr, value in list(vars(module).items()):
                if callable(value) and not attr.startswith("__"):
                    found[f"{name}.{attr}"] = id(getattr(value, "__code__", value))
            found[f"sys.modules[{name!r}]"] = id(module)
    return found


def snapshot(shell: Any, modules: list[str] | None = None) -> dict[str, int]:
    """Identities of the objects whose replacement would let a learner
    change how their own work is checked (in the course modules ``modules``,
    or in every one loaded)."""
    marks = {f"builtins.{k}": id(v) for k, v in vars(builtins).items() if not k.startswith("_")}
    marks.update({f"IPython shell.{m}": id(getattr(type(shell), m, None)) for m in _SHELL_METHODS})
    marks.update({f"IPython shell.{m} (on the instance)": 0 for m in _SHELL_METHODS})
    marks["IPython shell.displayhook"] = id(shell.displayhook)
    marks["IPython shell.display_pub"] = id(shell.display_pub)
    marks["sys.displayhook"] = id(sys.displayhook)
    marks.update(_course_functions(modules))
    return marks


def changed(shell: Any, before: dict[str, int]) -> list[str]:
    """What the learner's code replaced since ``before`` (a :func:`snapshot`)."""
    # Only what ``before`` holds is compared, so only its modules are looked at (cells add up).
    modules = [key[len("sys.modules['"):-2] for key in before if key.startswith("sys.modules[")]
    now = snapshot(shell, modules)
    for method in _SHELL_METHODS:  # assigning on the instance shadows the class's method
        if method in vars(shell):
            now[f"IPython shell.{method} (on the instance)"] = id(vars(shell)[method])
    return sorted(name for name, ident in before.items() if now.get(name, -1) != ident)


def serve(shell: Any, channel: socket.socket, max_output: int, peer: socket.socket | None = None) -> None:
    """Run cells as the host sends them on ``channel`` until it says exit, or
    until it says serve: then answer the judge on ``peer`` until it is done."""
    RECORDER.limit = max_output
    reader = channel.makefile("rb")
    send = channel.sendall
    before = snapshot(shell)
    reported: set[str] = set()
    count = 0
    for line in reader:
        order = read(_loads(line), RunCell, Serve, Exit, where="the host")
        if isinstance(order, Serve) and peer is not None:
            answer_judge(shell.user_ns, peer)
            break
        if not isinstance(order, RunCell):
            break
        count += 1
        RECORDER.start()
        shell.execution_count = count
        result = shell.run_cell(order.source, store_history=True)
        error = result.error_before_exec or result.error_in_exec
        outputs = RECORDER.finish()
        if error is not None and not any(o["output_type"] == "error" for o in outputs):
            # The display of the error was suppressed; the failure still counts.
            outputs.append({"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
                            "traceback": []})
        tampered = [name for name in changed(shell, before) if name not in reported]
        reported.update(tampered)
        reply = CellRan(order.index, order.nonce, count, outputs, error is not None, tampered).message()
        send(_dumps(reply, default=str).encode("utf-8") + b"\n")


_ABSENT = object()
#: The builtin exception a learner's error is reported as (its first builtin base).
_BUILTIN_ERRORS = frozenset(n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException))


def lines(reader: Any) -> Any:
    """The lines ``reader`` gives until it ends; an interrupt that arrives
    while waiting (just after a cell reached its time limit) is not an end."""
    while True:
        try:
            line = reader.readline()
        except KeyboardInterrupt:
            continue
        if not line:
            return
        yield line


def answer_judge(namespace: dict[str, Any], peer: socket.socket) -> None:
    """Answer the judge's lookups and calls until it hangs up: the learner's
    values as data, their functions' results as data (the judge checks them)."""
    from coproduction.cohort.values import Receiver, encode
    from coproduction.exercise.in_notebook import is_empty_function

    receiver = Receiver()
    for line in lines(peer.makefile("rb")):
        try:
            order = read(_loads(line), Lookup, Call, where="the judge")
        except Exception:  # the judge is the grader's own: a malformed order is a bug, and is skipped
            continue
        value = namespace.get(order.name, _ABSENT)
        if isinstance(order, Lookup):
            if value is _ABSENT:
                found = Found(order.nonce, "absent")
            elif callable(value) and not isinstance(value, type):
                found = Found(order.nonce, "empty function" if is_empty_function(value) else "function")
            else:
                found = Found(order.nonce, "value", encode(value))
        else:
            RECORDER.start()  # what the function prints is not kept
            try:
                args = [receiver.unpack(a) for a in order.args]
                result = value(*args, **{k: receiver.unpack(v) for k, v in order.kwargs.items()})
                after = [encode(a) if type(a) in (list, dict) else None for a in args]  # what the judge writes back
                found = Found(order.nonce, "value", encode(result), after)
            except BaseException as err:  # noqa: BLE001 - whatever the learner's function raised is reported
                kind = next((c.__name__ for c in type(err).__mro__ if c.__name__ in _BUILTIN_ERRORS), "Exception")
                found = Found(order.nonce, "raised", [kind, str(err)[:500]])
        peer.sendall(_dumps(found.message(), default=str).encode("utf-8") + b"\n")


def start_child(shell: Any, channel_fd: int, max_output: int, workdir: str, limits: dict[int, int],
                peer_fd: int | None = None, judge: Callable[..., None] | None = None) -> None:
    """Become the learner's process (or, given the judge's ``serve``, the judge): a fresh
    session, nothing of the worker's open but this job's own channel and the
    line between the two, and resource limits. Never returns."""
    import resource

    import signal

    try:
        os.setsid()
        signal.signal(signal.SIGINT, signal.default_int_handler)  # the worker ignores it; a cell at its limit is interrupted
        if not judge:
            from coproduction.cohort import ipc
            from coproduction.cohort.process import dumpable

            ipc.unshare()  # outside the sandbox, as root: its IPC objects die with it (inside, the worker removes them)

            dumpable()  # the worker reads its memory use; the worker and the judge stay closed to it
            try:  # if memory runs out, the learner's processes go first, never the worker
                with open("/proc/self/oom_score_adj", "w") as adj:
                    adj.write("1000")
            except OSError:
                pass
        devnull = os.open(os.devnull, os.O_RDWR)
        for std in (0, 1, 2):  # the worker's channels are on these; learner code must never reach them
            os.dup2(devnull, std)
        keep = {0, 1, 2, channel_fd, peer_fd}
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in keep:
                try:
                    os.close(int(name))
                except OSError:
                    pass
        for limit, value in limits.items():
            soft, hard = resource.getrlimit(limit)
            cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(limit, (cap, cap))
        os.chdir("/" if judge else workdir)
        home = "/nonexistent" if judge else workdir
        os.environ.update({"HOME": home, "NBGRADER_EXECUTION": "autograde", "PWD": "/" if judge else workdir})
        sys.stdin = open(os.devnull)  # noqa: SIM115 - input() then fails at once instead of waiting
        sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")  # type: ignore[assignment]
        channel = socket.socket(fileno=channel_fd)
        peer = socket.socket(fileno=peer_fd) if peer_fd is not None else None
        if judge is not None:  # coproduction.cohort.judge.serve, passed in by the worker
            judge(shell, channel, peer, max_output, workdir)
        else:
            serve(shell, channel, max_output, peer)
    finally:
        os._exit(0)
