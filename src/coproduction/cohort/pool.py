"""The host's side of grading: a pool of workers and, for each submission,
the conversation with the learner's process.

The host decides what runs and in which order, one cell at a time, and
reads every answer as untrusted (:mod:`coproduction.cohort.channel`):

1. every cell a learner can see runs in notebook order in the learner's
   process: setup cells, answer cells, and the visible part of each test
   cell (what Validate runs);
2. then the test cells run whole, hidden tests included, in the judge
   (:mod:`coproduction.cohort.judge`), a second process of the job's that no
   learner code runs in: it starts from the set-up cell and the answers the
   host read from the saved notebook (:class:`~coproduction.cohort.plan.Plan`), and asks the learner's
   process, as data, only for what the learner wrote in code. No hidden
   test ever reaches the learner's process, and what that process says
   about a test cell can lower its mark, never raise it.

Each cell has its own time limit (as nbgrader's), with a cap on the whole
submission on top. A learner's process that answers out of turn, with a
wrong token, or with anything that is not an answer, has written into the
grader's channel: its job ends and is marked for a trainer's review. A
worker that says something malformed, or dies, costs only the job it was
running; the pool starts another worker and goes on.
"""

from __future__ import annotations

import os
import secrets
import selectors
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from coproduction.cohort.channel import LineReader, ProtocolError, encode, receive_control, send_control
from coproduction.cohort.plan import Outcome, Plan, Step
from coproduction.cohort.protocol import (CellRan, Exit, InterruptJob, JobEnded, Ready, RunCell, Serve,
                                          StartJob, StopJob, read)
from coproduction.cohort.sandbox import Sandbox
from coproduction.cohort.settings import GRACES
from coproduction.cohort.workers import Worker

__all__ = ["Pool", "WorkerStartError"]


class WorkerStartError(RuntimeError):
    """A grading worker could not start; the message ends with its log."""


@dataclass
class _Job:
    key: Any
    steps: list[Step]
    channel: socket.socket
    reader: LineReader
    judge: socket.socket
    judge_reader: LineReader
    started: float
    total_deadline: float
    outcome: Outcome = field(default_factory=lambda: Outcome("finished"))
    position: int = -1
    nonce: str = ""
    deadline: float = 0.0
    stopping: float = 0.0  # when the worker was asked to stop the job
    interrupting: bool = False  # the running cell was interrupted at its time limit
    closed: bool = False  # the learner's process's channel
    judge_closed: bool = False
    plan: Plan = field(default_factory=lambda: Plan([]))


class Pool:
    """``count`` grading workers and the jobs they run.

    :meth:`run` takes jobs from a ``prepare`` callable as workers come free
    and calls ``done(key, outcome)`` as each ends (in the host process, so it
    may write to the gradebook).
    """

    def __init__(self, count: int, datasets: Path, sandbox: str, logs: Path, *, timeout: float, total: float,
                 max_output: int) -> None:
        self.count, self.datasets, self.sandbox_mode, self.logs = count, datasets, sandbox, logs
        self.timeout, self.total, self.max_output = timeout, total, max_output
        self.queue: list[tuple[Any, Plan]] = []  # jobs handed back when a worker failed to take them
        self.workers: list[Worker] = []
        self.selector = selectors.DefaultSelector()
        self.sandbox: Sandbox | None = None

    # Workers -------------------------------------------------------------
    def _start(self, number: int) -> Worker:
        worker, self.sandbox = Worker.start(number, self.datasets, self.sandbox_mode, self.logs)
        self.selector.register(worker.control, selectors.EVENT_READ, ("control", worker))
        return worker

    def _stop(self, worker: Worker) -> None:
        try:
            self.selector.unregister(worker.control)
        except (KeyError, ValueError):
            pass
        worker.stop()

    def _replace(self, worker: Worker, end: str, detail: str) -> None:
        """A worker failed: its job (if any) ends as ``end``; a fresh worker takes its place."""
        if not worker.ready:
            self._stop(worker)
            raise WorkerStartError(f"A grading worker could not start. Its log ends:\n{worker.log_tail()}")
        job = worker.job
        self._stop(worker)
        self.workers[self.workers.index(worker)] = self._start(worker.number)
        if job is not None:
            if job.outcome.end == "finished":
                job.outcome.end, job.outcome.detail = end, detail
            self._finish(job)

    # Jobs ----------------------------------------------------------------
    def _begin(self, worker: Worker, key: Any, plan: Plan) -> None:
        host_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        judge_end, judge_child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        now = time.monotonic()
        limit = 8 * self.max_output + 65536 * 4  # an answer's JSON: escapes and base64 figures included
        job = _Job(key, plan.steps, host_end, LineReader(limit, "the notebook's process"), judge_end,
                   LineReader(limit, "the grader's judge"), now, now + self.total, plan=plan)
        try:
            send_control(worker.control, StartJob(str(key), self.max_output).message(),
                         [child_end.fileno(), judge_child.fileno()])
        except OSError:
            for end in (child_end, host_end, judge_end, judge_child):
                end.close()
            self.queue.insert(0, (key, plan))
            self._replace(worker, "crashed", "the grading worker stopped unexpectedly")
            return
        child_end.close()
        judge_child.close()
        worker.job = job
        for end, kind in ((host_end, "job"), (judge_end, "judge")):
            end.setblocking(False)
            self.selector.register(end, selectors.EVENT_READ, (kind, worker))
        self._next_step(worker, job)

    def _next_step(self, worker: Worker, job: _Job) -> None:
        was = job.steps[job.position] if 0 <= job.position < len(job.steps) else None
        job.position += 1
        if job.position >= len(job.steps):
            self._send(worker, job, Exit().message(), judge=True)
            self._close_channel(job)  # the learner's process ends once the judge has hung up
            job.deadline = 0.0
            return
        step = job.steps[job.position]
        if step.judged and (was is None or not was.judged):  # the learner's cells have all run
            self._send(worker, job, Serve().message())
            self._send(worker, job, job.plan.bind(job.outcome.results).message(), judge=True)
        job.interrupting = False
        job.nonce = secrets.token_hex(8)
        job.deadline = min(time.monotonic() + self.timeout, job.total_deadline)
        self._send(worker, job, RunCell(step.index, step.source, job.nonce).message(), judge=step.judged)

    def _send(self, worker: Worker, job: _Job, message: dict[str, Any], judge: bool = False) -> None:
        channel = job.judge if judge else job.channel
        if job.judge_closed if judge else job.closed:
            return
        try:
            channel.setblocking(True)
            channel.settimeout(5)
            channel.sendall(encode(message) + b"\n")
            channel.setblocking(False)
        except OSError:  # the process has gone or stopped reading: the worker will say why
            self._close_channel(job, judge=judge)

    def _close_channel(self, job: _Job, judge: bool = False, both: bool = False) -> None:
        for which in ((False, True) if both else (judge,)):
            if job.judge_closed if which else job.closed:
                continue
            channel = job.judge if which else job.channel
            if which:
                job.judge_closed = True
            else:
                job.closed = True
            try:
                self.selector.unregister(channel)
            except (KeyError, ValueError):
                pass
            channel.close()

    def _answer(self, worker: Worker, job: _Job, message: dict[str, Any], judge: bool = False) -> None:
        """One answer from the learner's process (or the judge), checked against what was asked."""
        who = "the grader's judge" if judge else "the notebook's process"
        if job.position >= len(job.steps) or job.position < 0:
            raise ProtocolError(f"{who} answered after its last cell")
        step = job.steps[job.position]
        if step.judged != judge:
            raise ProtocolError(f"{who} answered while the {'judge' if step.judged else 'notebook'} ran a cell")
        if message.get(CellRan.TAG) != step.index or message.get("nonce") != job.nonce:
            raise ProtocolError(f"{who} answered for a cell it was not running "
                                f"({str(message.get(CellRan.TAG))[:20]!r} while cell {step.index + 1} ran)")
        answer = read(message, CellRan, where=who)
        assert isinstance(answer, CellRan)
        job.outcome.tampered += answer.tampered
        record = {"index": step.index, "execution_count": answer.count, "outputs": answer.outputs,
                  "failed": answer.failed}
        if judge:
            record["line"] = answer.line
        (job.outcome.setup if step.setup else job.outcome.hidden if step.hidden else job.outcome.results)[
            step.index] = record
        self._next_step(worker, job)

    def _stop_job(self, worker: Worker, job: _Job, end: str, detail: str) -> None:
        if job.outcome.end == "finished":
            job.outcome.end, job.outcome.detail = end, detail
        self._close_channel(job, both=True)
        if not job.stopping:
            job.stopping = time.monotonic()
            try:
                send_control(worker.control, StopJob(str(job.key)).message())
            except OSError:
                self._replace(worker, "crashed", "the grading worker stopped unexpectedly")

    def _end(self, worker: Worker, ended: JobEnded) -> None:
        """The worker reports that a job's processes are all gone."""
        job = worker.job
        if job is None or ended.job != str(job.key):
            raise ProtocolError("the grading worker reported the end of a job it was not running")
        self._close_channel(job, both=True)
        outcome = job.outcome
        outcome.judge = ended.judge
        complete = len(outcome.results) + len(outcome.hidden) + len(outcome.setup) == len(job.steps)
        learner_done = all(s.index in outcome.results for s in job.steps if not s.judged)
        if outcome.end == "finished" and ended.reason and ended.reason != "stopped":
            outcome.end, outcome.detail = "crashed", f"stopped: {ended.reason}"
        elif outcome.end == "finished" and not complete and learner_done:
            # The learner's cells all ran, but the judge was stopped: only a learner's code could do that.
            outcome.end = "needs review"
            outcome.detail = (f"the grader's checks could not finish ({ended.judge or 'the judge ended early'}); "
                              "the checks it did not run count as failed")
        elif outcome.end == "finished" and not complete:
            outcome.end = "crashed"
            if ended.signal:
                import signal as signals

                signum = ended.signal
                name = signals.Signals(signum).name if signum in signals.Signals._value2member_map_ else "?"
                outcome.detail = f"the Python process was killed by signal {signum} ({name})"
            else:
                outcome.detail = f"the Python process exited early (code {ended.exit})"
        worker.job = None
        self._finish(job)
        if not ended.clean:  # the worker is restarting to get a clean scratch folder
            self._replace(worker, "crashed", "")

    def _finish(self, job: _Job) -> None:
        self._close_channel(job, both=True)
        job.outcome.seconds = time.monotonic() - job.started
        self.done(job.key, job.outcome)

    # The loop --------------------------------------------------------------
    def run(self, done: Callable[[Any, Outcome], None],
            prepare: Callable[[], tuple[Any, Plan | list[Step]] | None]) -> None:
        """Grade until ``prepare`` has nothing more to give and every job has ended.

        ``prepare()`` returns the next job's key and steps (or None when
        there are no more); it is called only when a worker is free, so a
        submission is read just before it runs."""
        self.done = done
        self.workers = [self._start(n) for n in range(self.count)]
        exhausted = False
        try:
            while True:
                for worker in list(self.workers):
                    while worker.ready and worker.job is None and not exhausted:
                        nxt = self.queue.pop(0) if self.queue else prepare()
                        if nxt is None:
                            exhausted = True
                            break
                        key, plan = nxt
                        self._begin(worker, key, plan if isinstance(plan, Plan) else Plan(list(plan)))
                if exhausted and not any(w.job for w in self.workers):
                    return
                for key, _ in self.selector.select(timeout=self._wait()):
                    kind, worker = key.data
                    if kind == "control":
                        self._on_control(worker)
                    elif worker.job is not None and key.fileobj is worker.job.channel:
                        self._on_job(worker, worker.job)
                    elif worker.job is not None and key.fileobj is worker.job.judge:
                        self._on_job(worker, worker.job, judge=True)
                self._check_deadlines()
        finally:
            for worker in self.workers:
                if worker.job is not None:
                    self._close_channel(worker.job, both=True)
                self._stop(worker)
            self.selector.close()

    def _wait(self) -> float:
        now = time.monotonic()
        times = [w.job.deadline for w in self.workers if w.job and w.job.deadline and not w.job.stopping]
        times += [w.job.stopping + GRACES.stop for w in self.workers if w.job and w.job.stopping]
        return max(0.0, min([*times, now + 1.0]) - now)

    def _on_control(self, worker: Worker) -> None:
        try:
            message, fds = receive_control(worker.control, "the grading worker")
        except ProtocolError as err:
            self._replace(worker, "crashed", f"the grading worker broke the protocol ({err})")
            return
        except OSError:
            message, fds = None, []
        for fd in fds:
            os.close(fd)
        if message is None:
            self._replace(worker, "crashed", "the grading worker stopped unexpectedly")
            return
        try:
            said = read(message, *((JobEnded,) if worker.ready else (Ready,)), where="the grading worker")
            if isinstance(said, Ready):
                worker.ready = True
            else:
                assert isinstance(said, JobEnded)
                self._end(worker, said)
        except ProtocolError as err:
            self._replace(worker, "crashed", f"the grading worker broke the protocol ({err})")

    def _on_job(self, worker: Worker, job: _Job, judge: bool = False) -> None:
        channel, reader = (job.judge, job.judge_reader) if judge else (job.channel, job.reader)
        try:
            chunk = channel.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:  # the process has ended; the worker will report how
            learning = 0 <= job.position < len(job.steps) and not job.steps[job.position].judged
            # If the learner's process ended before its cells had all run, the judge has nothing to judge.
            self._close_channel(job, judge=judge, both=not judge and learning)
            return
        try:
            for message in reader.feed(chunk):
                if job.stopping or (job.judge_closed if judge else job.closed):
                    break
                self._answer(worker, job, message, judge=judge)
        except ProtocolError as err:
            detail = (f"the grader's judge sent something malformed: {err}" if judge
                      else f"the notebook wrote into the grader's channel: {err}")
            self._stop_job(worker, job, "needs review", detail)

    def _check_deadlines(self) -> None:
        now = time.monotonic()
        for worker in list(self.workers):
            job = worker.job
            if job is None:
                continue
            if job.stopping and now > job.stopping + GRACES.stop:
                self._replace(worker, "crashed", "the grading worker did not stop in time")
            elif not job.stopping and job.deadline and now >= job.deadline:
                if job.position >= len(job.steps):  # every cell answered; the process would not end
                    self._stop_job(worker, job, "finished", "")
                elif now >= job.total_deadline:
                    self._stop_job(worker, job, "timeout", f"stopped after {self.total:g} seconds for the whole notebook")
                elif job.interrupting:
                    self._stop_job(worker, job, "timeout", f"stopped after {self.timeout:g} seconds in one cell, "
                                                           "which did not respond to an interrupt")
                else:  # as nbgrader does: interrupt the cell, record the error, run the rest
                    job.interrupting = True
                    job.outcome.detail = f"stopped after {self.timeout:g} seconds in one cell"
                    step = job.steps[job.position]
                    job.outcome.interrupted.append(step.index)
                    job.deadline = min(now + GRACES.interrupt, job.total_deadline)
                    try:
                        send_control(worker.control, InterruptJob(str(job.key), step.judged).message())
                    except OSError:
                        self._replace(worker, "crashed", "the grading worker stopped unexpectedly")
            elif not worker.ready and now > worker.started + GRACES.start:
                self._replace(worker, "crashed", "the grading worker did not start in time")
