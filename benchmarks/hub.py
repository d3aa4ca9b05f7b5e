"""Capacity of one machine as a hub, and the trainer's loop through the exchange.

``python -m benchmarks.hub`` (``make bench-hub``; not part of ``make bench``:
it takes several minutes and starts many servers).

1. For N learners (5, 10, 20 by default): start the course's JupyterHub
   (``deploy/hub/``), start every learner's server at once through the hub's
   REST API, as a class arriving together would, then run module 1's notebook
   (``course/01-the-ladder.ipynb``, every code cell, in the learner's own copy)
   in every server at once through the Jupyter kernel protocol, as learners
   pressing "Run all" would. Memory is the proportional set size (PSS: shared
   pages counted once) of every process the hub started, sampled twice a second;
   per learner is the peak above the idle hub, divided by N.
2. The trainer's loop for a 40-learner synthetic cohort submitted through the
   exchange: ``collect`` from the exchange, ``autograde`` (sandboxed, into a
   PostgreSQL gradebook), ``feedback`` and ``return-feedback``, timed together.

Prints lines such as ``hub: 10 learners started and ran module 1 in 41 s;
peak memory 2.1 GiB``, then the results as ``name: value unit``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.timing import Result
from coproduction.hub.home import COURSE_FOLDER
from coproduction.hub.server import Hub

ROOT = Path(__file__).resolve().parents[1]
MODULE = "course/01-the-ladder.ipynb"
GIB = 1024 ** 3



def _pss(pids: list[int]) -> int:
    """Bytes of memory these processes use, shared pages shared out (PSS)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
                    break
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class _Peak:
    """The hub's memory, sampled in the background."""

    def __init__(self, hub: Hub) -> None:
        self.hub, self.peak, self._stop = hub, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _pss(self.hub.leftovers()))
            self._stop.wait(0.5)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


async def _run_notebook(hub: Hub, learner: str, token: str, cells: list[str]) -> None:
    """Run every code cell in a new kernel of ``learner``'s server, as "Run all" does."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    session = await asyncio.to_thread(
        hub.request, "POST", f"/user/{learner}/api/sessions", token,
        {"path": MODULE, "type": "notebook", "kernel": {"name": "python3"}})
    kernel = session["kernel"]["id"]
    url = hub.url.replace("http", "ws", 1) + f"/user/{learner}/api/kernels/{kernel}/channels"
    ws = await websocket_connect(HTTPRequest(url, headers={"Authorization": f"token {token}"},
                                             connect_timeout=600, request_timeout=600))  # a busy machine is slow, not broken
    session_id = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "username": learner, "session": session_id, "msg_type": "execute_request",
                           "version": "5.3", "date": datetime.now(timezone.utc).isoformat()},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            while True:
                reply = json.loads(await ws.read_message())
                if reply.get("parent_header", {}).get("msg_id") == msg_id and reply["msg_type"] == "execute_reply":
                    if reply["content"]["status"] != "ok":
                        raise RuntimeError(f"{learner}: a cell of {MODULE} failed: {reply['content'].get('ename')}")
                    break
    finally:
        ws.close()
    await asyncio.to_thread(hub.request, "DELETE", f"/user/{learner}/api/sessions/{session['id']}", token)


def _cells() -> list[str]:
    nb = json.loads((ROOT / MODULE).read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def capacity(learners: int, base: Path) -> dict[str, float]:
    """Start ``learners`` servers at once and run module 1 in each; times and memory."""
    names = tuple(f"learner{i:03d}" for i in range(1, learners + 1))
    hub = Hub(base / f"hub-{learners}", port=0, learners=names).start()
    try:
        time.sleep(2)
        idle = _pss(hub.leftovers())
        peak = _Peak(hub)
        started = time.perf_counter()
        tokens = {name: hub.user_token(name) for name in names}
        start_times: list[float] = []

        def start(name: str) -> None:
            begun = time.perf_counter()
            hub.start_server(name, timeout=600)
            start_times.append(time.perf_counter() - begun)

        with ThreadPoolExecutor(max_workers=learners) as pool:
            list(pool.map(start, names))
        servers_up = time.perf_counter() - started
        cells = _cells()

        async def everyone() -> None:
            await asyncio.gather(*(_run_notebook(hub, name, tokens[name], cells) for name in names))

        asyncio.run(everyone())
        total = time.perf_counter() - started
        top = peak.stop()
        for name in names:  # each learner's own copy was made in their home
            assert (hub.state / "home" / name / COURSE_FOLDER / MODULE).is_file()
    finally:
        hub.stop()
    return {"learners": learners, "seconds": total, "servers_up": servers_up, "mean_start": sum(start_times) / learners,
            "max_start": max(start_times), "idle_gib": idle / GIB, "peak_gib": top / GIB,
            "per_learner_gib": (top - idle) / learners / GIB}


def trainer_loop(base: Path, learners: int = 40) -> dict[str, float]:
    """collect (exchange) → autograde → feedback → return-feedback for a synthetic cohort on PostgreSQL."""
    from coproduction.cohort.collect import collect, create_cohort
    from coproduction.cohort.exchange import hand_out, return_feedback
    from coproduction.cohort.feedback import write_feedback
    from coproduction.cohort.grade import Settings, autograde
    from coproduction.cohort.workspace import COURSE_ID
    from coproduction.hub.postgres import LocalPostgres
    from tests.submissions import cohort as synthetic

    built = synthetic.build(ROOT, base / "unused", 9, "bench", learners=learners + 10)
    ladder = [s for s in synthetic.well_formed(built) if s.assignment == "ladder"][:learners]
    standard = {s.learner: s for s in ladder}
    exchange = base / "exchange"
    roster = base / "roster.csv"
    roster.write_text("id\n" + "".join(f"{name}\n" for name in standard), encoding="utf-8")
    with LocalPostgres(Path(tempfile.mkdtemp(prefix="pg-", dir="/tmp"))) as postgres:
        ws = create_cohort(base / "workspace", roster, ROOT, postgres.create_database("bench"), exchange=exchange)
        hand_out(ws, ["ladder"])
        inbound = exchange / COURSE_ID / "inbound"
        for name, submission in standard.items():  # what nbgrader's submit leaves in the exchange
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            folder = inbound / f"{name}+ladder+{stamp}+{uuid.uuid4().hex[:12]}"
            folder.mkdir(parents=True)
            (folder / "ladder.ipynb").write_bytes(submission.content)
            (folder / "timestamp.txt").write_text(stamp)
            (folder / "submission_secret.txt").write_text(uuid.uuid4().hex * 2)
        began = time.perf_counter()
        collect(ws, "ladder")
        autograde(ws, ["ladder"], Settings(sandbox="auto"))
        write_feedback(ws, ["ladder"])
        returned, _ = return_feedback(ws, ["ladder"])
        seconds = time.perf_counter() - began
        ws.close()
    return {"learners": len(standard), "seconds": seconds, "returned": returned}


def run(sizes: tuple[int, ...] = (5, 10, 20)) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="hub-bench-", dir="/tmp") as folder:
        for n in sizes:
            found = capacity(n, Path(folder))
            print(f"hub: {n} learners started and ran module 1 in {found['seconds']:.0f} s; "
                  f"peak memory {found['peak_gib']:.2f} GiB ({found['per_learner_gib']:.3f} GiB per learner; "
                  f"servers started in {found['servers_up']:.0f} s, {found['mean_start']:.1f} s each on average, "
                  f"slowest {found['max_start']:.1f} s)", flush=True)
            results += [(f"hub_{n}_learners_module_1", found["seconds"], "s"),
                        (f"hub_{n}_learners_peak_memory", found["peak_gib"], "GiB"),
                        (f"hub_{n}_learners_memory_per_learner", found["per_learner_gib"], "GiB"),
                        (f"hub_{n}_learners_mean_server_start", found["mean_start"], "s")]
        loop = trainer_loop(Path(folder))
        print(f"hub: collect (exchange) to feedback returned for {loop['learners']} learners in "
              f"{loop['seconds']:.0f} s ({loop['returned']} pages returned)", flush=True)
        results.append(("hub_collect_to_feedback_40_learners", loop["seconds"], "s"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.hub", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,10,20", help="numbers of learners, comma-separated")
    args = parser.parse_args()
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    results = run(tuple(int(n) for n in args.sizes.split(",")))
    print()
    for name, value, unit in results:
        print(f"{name}: {value:.4g} {unit}")


if __name__ == "__main__":
    main()
