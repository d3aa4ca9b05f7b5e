"""The judge: a process where no learner code runs, which runs an exercise's
test cells whole (hidden tests included) and reports what they found.

Each job's worker forks two processes from its pristine copy of the
libraries: the learner's process (:mod:`coproduction.cohort.runner`), which
runs the learner's cells, and this one. Nothing a learner's code does to its
own process (replacing how it builds its replies, taking over its channel,
patching the references the hidden tests compare with) reaches here:

* the set-up cell (the instructor's, as the gradebook holds it) runs here;
* a core part's answer is the literal value the saved answer cell holds,
  read by the host (:mod:`coproduction.cohort.answers`) and sent here as
  data; a core part whose cell holds no such value is simply not answered;
* a name the learner defined in code (a going-further function, say) is
  fetched from the learner's process as data, and a function becomes a
  stand-in whose calls cross to that process with their arguments and come
  back as data (:mod:`coproduction.cohort.values`): whatever the learner's
  code answers is a claim the hidden tests then check here, against the
  course's own functions, which no learner code has touched.

The judge is not dumpable, so the learner's process (the same user) cannot
read its memory or descriptors; it keeps no path a learner could write to on
its import path. If the learner's process kills or stops it, the tests it
had not run count as not run: the learner loses marks, never gains them.
"""

from __future__ import annotations

import ast
import builtins
import os
import secrets
import socket
import sys
from typing import Any

from coproduction.cohort.channel import LineReader, ProtocolError, encode as encode_message
from coproduction.cohort.protocol import Bind, Call, CellRan, Exit, Found, Lookup, RunCell, read
from coproduction.cohort.values import Sender, decode

__all__ = ["serve", "free_names", "failing_line", "Remote", "LearnerGone", "REPLY_LIMIT"]

#: Seconds the learner's process has to say what a name holds.
LOOKUP_WAIT = 5.0
#: Largest answer the learner's process may send the judge for one lookup or call.
REPLY_LIMIT = 64 * 1024**2

#: Exceptions a learner's function may raise that the judge raises again as themselves
#: (the tests check for some: "wilson(3, 0) should raise a ValueError").
_RAISABLE = ("ValueError", "TypeError", "KeyError", "IndexError", "ZeroDivisionError", "AttributeError",
             "LookupError", "ArithmeticError", "AssertionError", "RuntimeError", "NotImplementedError",
             "RecursionError", "OverflowError", "NameError", "StopIteration", "MemoryError", "KeyboardInterrupt")


class LearnerGone(RuntimeError):
    """The learner's process stopped answering the judge."""


class Peer:
    """The judge's end of its conversation with the learner's process."""

    def __init__(self, sock: socket.socket | None) -> None:
        self.sock = sock
        self.reader = LineReader(REPLY_LIMIT, "the notebook's process")
        self.pending: list[dict[str, Any]] = []
        self.sender = Sender()

    def ask(self, request: Lookup | Call) -> Found:
        if self.sock is None:
            raise LearnerGone("the notebook's process is no longer running")
        try:
            # A lookup is answered at once by any process that still serves; a call takes what it takes
            # (the host interrupts a cell at its time limit).
            self.sock.settimeout(LOOKUP_WAIT if isinstance(request, Lookup) else None)
            self.sock.sendall(encode_message(request.message()) + b"\n")
            while True:
                while self.pending:
                    message = self.pending.pop(0)
                    if message.get(Found.TAG) == request.nonce:  # anything else is stale or forged: skipped
                        found = read(message, Found, where="the notebook's process")
                        assert isinstance(found, Found)
                        return found
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise OSError("closed")
                self.pending += self.reader.feed(chunk)
        except (OSError, ProtocolError) as err:
            self.close()
            raise LearnerGone(f"the notebook's process stopped answering ({err})") from None

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class Remote:
    """A function the learner wrote, called across to the learner's process."""

    def __init__(self, name: str, peer: Peer) -> None:
        self.__name__ = self.name = name
        self.peer = peer

    def __repr__(self) -> str:
        return f"<function {self.name}>"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        pack = self.peer.sender.pack
        found = self.peer.ask(Call(self.name, secrets.token_hex(8), [pack(a) for a in args],
                                   {str(k): pack(v) for k, v in kwargs.items()}))
        if found.kind == "raised":
            kind, message = (found.value + ["", ""])[:2] if isinstance(found.value, list) else ("", "")
            error = getattr(builtins, str(kind), None) if kind in _RAISABLE else None
            if error is None:
                raise RuntimeError(f"{self.name} raised {str(kind)[:80]}: {str(message)[:500]}")
            raise error(str(message)[:500])
        if found.kind != "value":
            raise LearnerGone(f"the notebook's process answered a call of {self.name} with {found.kind!r}")
        try:
            value = decode(found.value)
            after = [decode(a) for a in found.args] if isinstance(found.args, list) else []
        except ValueError as err:
            raise TypeError(f"{self.name} returned something that is not data ({err})") from None
        for given, now in zip(args, after):  # what the call did to a list or dict it was given (else None)
            if type(given) is type(now) is list:
                given[:] = now
            elif type(given) is type(now) is dict:
                given.clear()
                given.update(now)
        return value


def free_names(source: str) -> set[str]:
    """Names a cell reads that it never binds itself (builtins excluded)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    loads, stores = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loads if isinstance(node.ctx, ast.Load) else stores).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            stores |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            stores.add(node.name)
        elif isinstance(node, ast.arg):
            stores.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            stores.add(node.name)
    return {n for n in loads - stores if not hasattr(builtins, n)}


def failing_line(error: BaseException | None) -> int:
    """The line of the cell at which ``error`` left it (0 if unknown)."""
    tb = getattr(error, "__traceback__", None)
    line = 0
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name == "<module>" and "interactiveshell" not in code.co_filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _resolve(namespace: dict[str, Any], names: set[str], peer: Peer) -> set[str]:
    """Put into ``namespace`` what the learner's process holds for ``names``
    (fetched again before each cell: the learner's functions may change them)."""
    for name in sorted(names):
        namespace.pop(name, None)
        try:
            found = peer.ask(Lookup(name, secrets.token_hex(8)))
        except LearnerGone:
            break
        if found.kind == "function":
            namespace[name] = Remote(name, peer)
        elif found.kind == "empty function":  # as released: the checks say "not attempted"
            exec(f"def {name}(*args, **kwargs):\n    'YOUR CODE HERE'\n", namespace)  # noqa: S102 - a fixed shape
        elif found.kind == "value":
            try:
                namespace[name] = decode(found.value)
            except ValueError:
                pass
    return names


def _safe_path(workdir: str) -> None:
    """Only read-only folders on the import path: the learner's process can
    write to the scratch folders (``workdir`` and, outside the sandbox, the
    worker's folder above it, which Python put first on the path), and a
    module planted there must not load here."""
    writable = ("/tmp", "/dev/shm", "/var/tmp", os.path.dirname(os.path.abspath(workdir)))
    sys.path[:] = [p for p in sys.path if p and not any(p == w or p.startswith(w.rstrip("/") + "/")
                                                            for w in writable)]
    sys.path_importer_cache.clear()
    sys.dont_write_bytecode = True


def serve(shell: Any, channel: socket.socket, peer_socket: socket.socket | None, max_output: int,
          workdir: str) -> None:
    """Run the cells the host sends, in a namespace of its own, until it says exit."""
    from coproduction.cohort import runner

    _safe_path(workdir)
    runner.RECORDER.limit = max_output
    peer = Peer(peer_socket)
    namespace = shell.user_ns
    known: set[str] = set(namespace)  # what the set-up, the host's values and the tests bound here
    withheld: set[str] = set()
    fetched_all: set[str] = set()
    reader = channel.makefile("rb")
    count = 0
    for line in runner.lines(reader):
        order = read(runner._loads(line), RunCell, Bind, Exit, where="the host")
        if isinstance(order, Bind):
            for name, value in order.values.items():
                namespace[name] = decode(value)
            known |= set(order.values)
            withheld |= set(order.withheld)
            continue
        if not isinstance(order, RunCell):
            break
        count += 1
        fetched = _resolve(namespace, free_names(order.source) - known - withheld, peer)
        runner.RECORDER.start()
        shell.execution_count = count
        result = shell.run_cell(order.source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        outputs = runner.RECORDER.finish()
        if error is not None and not any(o["output_type"] == "error" for o in outputs):
            outputs.append({"output_type": "error", "ename": type(error).__name__, "evalue": str(error),
                            "traceback": []})
        fetched_all |= fetched
        known |= set(namespace) - fetched_all
        if count == 1:  # the set-up cell's tables, passed to call after call: sent once
            for value in list(namespace.values()):
                if type(value).__name__ in ("DataFrame", "Series"):
                    peer.sender.pin(value)
        reply = CellRan(order.index, order.nonce, count, outputs, error is not None, [], failing_line(error))
        channel.sendall(runner._dumps(reply.message(), default=str).encode("utf-8") + b"\n")
    peer.close()
