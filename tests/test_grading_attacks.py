"""Grading against hostile notebooks: each test attacks the pipeline from
inside a submission and checks the invariant it must keep (host files
unchanged, nothing outside the sandbox, the next learner graded right, the
run finishing), never the attack's own report of itself.

The cells here go through the real pool and worker (``Pool``), sandboxed
with bubblewrap, as ``coproduction autograde`` runs them; the end-to-end
attacks through ``autograde`` and ``feedback`` are in ``test_cohort.py``'s
synthetic cohort and at the end of this file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from coproduction.cohort import workers as workers_module
from coproduction.cohort.plan import Outcome, Step
from coproduction.cohort.pool import Pool
from coproduction.cohort.sandbox import available

from .conftest import ROOT

PACKAGE = ROOT / "src" / "coproduction"
pytestmark = pytest.mark.slow  # each attack starts sandboxed grading workers

needs_sandbox = pytest.mark.skipif(not available(), reason="bubblewrap cannot run here (apt-get install bubblewrap)")


def grade(jobs: list[tuple[str, list[str]]], tmp_path: Path, *, sandboxed: bool = True, workers: int = 1,
          timeout: float = 10.0, total: float = 40.0, max_output: int = 20_000) -> dict[str, Outcome]:
    """Run each job's cells in order through a real pool; every job's outcome by name."""
    logs = tmp_path / "logs"
    logs.mkdir(exist_ok=True)
    pool = Pool(workers, ROOT / "datasets", "required" if sandboxed else "off", logs, timeout=timeout,
                total=total, max_output=max_output)
    queue = iter([(name, [Step(i, textwrap.dedent(code)) for i, code in enumerate(cells)]) for name, cells in jobs])
    outcomes: dict[str, Outcome] = {}
    pool.run(lambda key, outcome: outcomes.__setitem__(key, outcome), lambda: next(queue, None))
    return outcomes


def text(outcome: Outcome) -> str:
    """Everything a job printed or displayed."""
    parts = []
    for result in [*outcome.results.values(), *outcome.hidden.values()]:
        for output in result["outputs"]:
            parts.append(output.get("text") or output.get("evalue") or json.dumps(output.get("data", "")))
    return "\n".join(parts)


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


#: A correct learner after the attacker, on the same worker: its answer must come out right.
HONEST = ("honest", ["import pandas as pd\nSECRET_ANSWER_73 = int(pd.Series([40, 2]).sum())",
                     "print('answer', SECRET_ANSWER_73)"])


def honest_is_right(outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes["honest"]
    assert outcome.end == "finished" and not outcome.tampered, (outcome.end, outcome.detail)
    assert outcome.results[1]["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "answer 42\n"}]


# 1. Contained ----------------------------------------------------------------------------------------

@needs_sandbox
def test_learner_code_cannot_change_the_host_or_its_own_mounts(tmp_path: Path) -> None:
    before = tree_digest(PACKAGE)
    marker = f"PWNED-{tmp_path.name}"
    attack = f'''
    import ctypes, os, pathlib
    libc = ctypes.CDLL(None, use_errno=True)
    package = {str(PACKAGE)!r}
    for target in (package, "/usr", "/", "/data"):
        libc.mount(None, target.encode(), None, 32 | 4096, None)  # MS_REMOUNT | MS_BIND, read-write
        libc.mount(b"none", target.encode(), b"tmpfs", 0, None)
    libc.umount2(b"/proc", 2)
    libc.unshare(0x10000000 | 0x00020000)  # a user and mount namespace of its own
    for folder in (package, {str(ROOT)!r}, "/usr", "/", "/data", "/dev"):
        try:
            pathlib.Path(folder, "{marker}").write_text("x")
        except OSError:
            pass
    try:
        pathlib.Path(package, "__init__.py").write_text("print('planted')")
    except OSError:
        pass
    os.symlink(package, "/tmp/work/package-link")  # the worker's clean-up must not follow it
    os.symlink(package, "/tmp/package-link")
    print(pathlib.Path("/proc/self/status").read_text())
    '''
    outcomes = grade([("attacker", [attack]), HONEST], tmp_path)
    assert tree_digest(PACKAGE) == before, "the course package changed"
    assert not [p for p in (PACKAGE / marker, ROOT / marker, Path("/usr") / marker, Path("/") / marker,
                            ROOT / "datasets" / marker) if p.exists()]
    status = text(outcomes["attacker"])
    assert "CapEff:\t0000000000000000" in status and "CapBnd:\t0000000000000000" in status
    assert "\nUid:\t65534\t65534\t65534\t65534" in status and "NoNewPrivs:\t1" in status
    honest_is_right(outcomes)


# 2. Isolated from the grader and from peers ------------------------------------------------------------

@needs_sandbox
def test_learner_code_cannot_reach_the_worker_or_the_next_learner(tmp_path: Path) -> None:
    """The attacker tries every other process's descriptors and memory, and
    leaves a process behind that would forge the next learner's answers."""
    forge = '{"ran": 1, "nonce": "x", "count": 2, "outputs": [], "failed": false, "tampered": []}\\n'
    attack = f'''
    import os, signal
    def reach():
        opened = []
        for pid in [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]:
            for name in ("mem", "environ", "cmdline"):
                try:
                    with open(f"/proc/{{pid}}/{{name}}", "rb") as f:
                        opened.append((pid, name, f.read(64)))
                except OSError:
                    pass
            try:
                for fd in os.listdir(f"/proc/{{pid}}/fd"):
                    fd_path = f"/proc/{{pid}}/fd/{{fd}}"
                    try:
                        handle = os.open(fd_path, os.O_RDWR | os.O_NONBLOCK)
                        os.write(handle, {forge!r}.encode())
                        opened.append((pid, fd_path))
                    except OSError:
                        pass
            except OSError:
                pass
        return opened
    print("reached", reach())
    if os.fork() == 0:  # a survivor that keeps trying, and kills whatever it can
        os.setsid()
        while True:
            reach()
            try:
                os.kill(-1, signal.SIGKILL)
            except OSError:
                pass
    '''
    outcomes = grade([("attacker", [attack, "import time\ntime.sleep(0.5)"]), HONEST, ("after", ["print(1 + 1)"])],
                     tmp_path)
    honest_is_right(outcomes)
    assert outcomes["after"].end == "finished" and "2" in text(outcomes["after"])
    assert "SECRET_ANSWER_73" not in text(outcomes["attacker"])
    assert outcomes["attacker"].end == "needs review" or "/fd/" not in text(outcomes["attacker"])


@needs_sandbox
@pytest.mark.parametrize("sandboxed", [True, False], ids=["sandbox", "no-sandbox"])
def test_nothing_one_learner_does_reaches_the_next(tmp_path: Path, sandboxed: bool) -> None:
    token, stamp = tmp_path.name, os.getpid()
    # Without the sandbox the learner shares the machine's /tmp: only the sandbox can empty it.
    folders = "[os.getcwd(), os.path.expanduser('~')" + (", '/tmp', '/dev/shm']" if sandboxed else "]")
    patcher = f'''
    import builtins, os, pathlib, subprocess, pandas
    for folder in sorted(set(map(os.path.realpath, {folders}))):
        (pathlib.Path(folder) / "left-behind-{token}.txt").write_text("secret")
        locked = pathlib.Path(folder) / "locked-{token}"
        locked.mkdir()
        (locked / "statistics.py").write_text("raise SystemExit('planted module ran')")
        locked.chmod(0o500)
    (pathlib.Path(os.getcwd()) / "statistics.py").write_text("raise SystemExit('planted module ran')")
    subprocess.Popen(["sleep", "59.{stamp}"], start_new_session=True)
    os.environ["LEAKED"] = "yes"
    SHARED = "from the first learner"
    pandas.Series.mean = lambda self, *a, **k: -1
    builtins.len = lambda *a: 0
    '''
    probe = f'''
    import builtins, os, pathlib, pandas, statistics

    def command(pid):  # without the sandbox, other tests' processes come and go meanwhile
        try:
            return pathlib.Path("/proc", pid, "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return ""

    print("len", len([1, 2]), "mean", pandas.Series([1.0, 3.0]).mean(), "env", os.environ.get("LEAKED"),
          "shared", "SHARED" in globals(),
          "files", [f for f in {folders} if any(pathlib.Path(f).glob("*{token}*"))],
          "sleepers", [p for p in os.listdir("/proc") if p.isdigit() and "59.{stamp}" in command(p)])
    '''
    outcomes = grade([("first", [patcher]), ("next", [probe])], tmp_path, sandboxed=sandboxed)
    assert outcomes["first"].end == "finished" and outcomes["first"].results[0]["outputs"] == []
    assert text(outcomes["next"]).startswith("len 2 mean 2.0 env None shared False files [] sleepers []"), \
        text(outcomes["next"])


@needs_sandbox
def test_nothing_survives_a_job_even_hidden_from_proc(tmp_path: Path) -> None:
    attack = '''
    import ctypes, os, signal, time
    libc = ctypes.CDLL(None, use_errno=True)
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            libc.mount(b"none", b"/proc", b"tmpfs", 0, None)  # hide from the clean-up, if it could
            while True:
                try:
                    os.kill(-1, signal.SIGKILL)
                except OSError:
                    time.sleep(0.001)
        os._exit(0)
    time.sleep(0.2)
    '''
    census = "import os\nprint(sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))"
    outcomes = grade([("attacker", [attack]), HONEST, ("census", [census])], tmp_path)
    honest_is_right(outcomes)
    # Only the worker (the namespace's first process), the census's judge and the census itself are left.
    assert len(json.loads(text(outcomes["census"]))) == 3, text(outcomes["census"])


# 3. Untrusted output cannot hurt the run -----------------------------------------------------------

FORGERIES = {
    "forged answer": '{"ran": 1, "nonce": "guess", "count": 9, "outputs": [], "failed": false}\\n',
    "garbage": "\\xff\\xfe this is not a message {\\n",
    "oversized": "[" + "1," * 3_000_000 + "1]\\n",
    "not an object": "[1, 2, 3]\\n",
}


@needs_sandbox
@pytest.mark.parametrize("kind", sorted(FORGERIES))
def test_what_a_learner_writes_into_the_channel_ends_only_its_job(tmp_path: Path, kind: str) -> None:
    attack = f'''
    import os
    for fd in os.listdir("/proc/self/fd"):
        if os.readlink(f"/proc/self/fd/{{fd}}").startswith("socket:"):
            os.write(int(fd), {FORGERIES[kind]!r}.encode("utf-8", "surrogateescape"))
    '''
    outcomes = grade([("attacker", [attack, "print('never honestly reached')"]), HONEST], tmp_path)
    attacker = outcomes["attacker"]
    assert attacker.end == "needs review" and "the notebook wrote into the grader's channel" in attacker.detail
    assert 1 not in attacker.results, "the forged answer was taken for a cell's result"
    honest_is_right(outcomes)


FAKE_WORKER = '''
import os, socket, sys, time
flag = sys.argv[1]
if os.path.exists(flag):
    os.execv(sys.executable, [sys.executable, "-m", "coproduction.cohort.worker", *sys.argv[2:]])
open(flag, "w").close()
control = socket.socket(fileno=0)
control.send(b'{"ready": 1}')
socket.recv_fds(control, 65536, 4)
control.send(REPLY)
time.sleep(30)
'''


@pytest.mark.parametrize("reply", [b"not json at all {", b'{"end": "someone else"}', b'["a list"]'])
def test_a_worker_that_breaks_the_protocol_costs_only_its_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              reply: bytes) -> None:
    """What once crashed every run with a JSONDecodeError: the job is marked and the rest is graded."""
    script = tmp_path / "fake_worker.py"
    script.write_text(f"REPLY = {reply!r}\n" + FAKE_WORKER)
    real = workers_module.worker_command

    def fake(datasets: Path, mode: str, scratch: Path, control: int = 0):  # type: ignore[no-untyped-def]
        command, found = real(datasets, mode, scratch, control)
        worker_args = command[command.index("coproduction.cohort.worker") + 1:]
        return [sys.executable, str(script), str(tmp_path / "misbehaved"), *worker_args], found

    monkeypatch.setattr(workers_module, "worker_command", fake)
    outcomes = grade([("first", ["print('first')"]), HONEST], tmp_path, sandboxed=False)
    assert outcomes["first"].end == "crashed" and "the grading worker" in outcomes["first"].detail
    honest_is_right(outcomes)


# Resource exhaustion ---------------------------------------------------------------------------------

EXHAUSTION = {
    "disk": '''
    import os
    for folder in ("/tmp", "/dev/shm", os.getcwd()):
        try:
            with open(os.path.join(folder, "fill"), "wb") as f:
                while True:
                    f.write(b"x" * (1 << 20))
        except OSError as err:
            print(folder, type(err).__name__)
    ''',
    "memory": '''
    import os, time
    for _ in range(3):
        if os.fork() == 0:
            block = b"x" * (900 * 1024 * 1024)
            time.sleep(60)
    time.sleep(60)
    ''',
    "processes": '''
    import os, time
    children = 0
    try:
        while True:
            if os.fork() == 0:
                time.sleep(60)
                os._exit(0)
            children += 1
    except OSError:
        print("stopped at", children)
    ''',
}


@needs_sandbox
@pytest.mark.parametrize("kind", sorted(EXHAUSTION))
def test_exhausting_disk_memory_or_processes_stays_inside_the_job(tmp_path: Path, kind: str) -> None:
    outcomes = grade([("attacker", [EXHAUSTION[kind]]), HONEST], tmp_path, timeout=20)
    attacker = outcomes["attacker"]
    if kind == "memory":
        assert attacker.end == "crashed" and "memory" in attacker.detail, attacker.detail
    else:
        assert attacker.end in {"finished", "timeout"}, attacker.detail
    if kind == "processes":
        stopped = int(text(attacker).split("stopped at")[1].split()[0])
        assert stopped < 64
    honest_is_right(outcomes)


@needs_sandbox
def test_processes_are_capped_even_without_a_control_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As root with no control group, Linux ignores RLIMIT_NPROC; the worker's own count still stops a fork bomb."""
    monkeypatch.setattr(workers_module.Cgroup, "create", classmethod(lambda cls, *a, **k: None))
    bomb = EXHAUSTION["processes"]
    outcomes = grade([("attacker", [bomb]), HONEST], tmp_path, timeout=20)
    attacker = outcomes["attacker"]
    if attacker.end == "crashed":  # the worker's count stopped it (root, no control group)
        assert "more than 64 processes" in attacker.detail, attacker.detail
    else:  # Linux refused the fork (RLIMIT_NPROC applies to an ordinary user)
        assert int(text(attacker).split("stopped at")[1].split()[0]) < 64, text(attacker)
    honest_is_right(outcomes)


# 4. Errors are read from the execution, not from what IPython displays -------------------------------

@needs_sandbox
def test_hiding_errors_from_the_display_does_not_hide_them(tmp_path: Path) -> None:
    cells = ["ip = get_ipython()\nip._showtraceback = lambda *a, **k: None\nip.showtraceback = lambda *a, **k: None",
             "raise AssertionError('a failing check')",
             "undefined_name"]
    outcome = grade([("hider", cells)], tmp_path)["hider"]
    assert not outcome.results[0]["failed"]
    assert outcome.results[1]["failed"] and outcome.results[2]["failed"]
    assert [o["ename"] for o in outcome.results[2]["outputs"] if o["output_type"] == "error"] == ["NameError"]
    assert any("IPython shell" in t for t in outcome.tampered), outcome.tampered


# 6. Same answers as a kernel ------------------------------------------------------------------------

@needs_sandbox
def test_magics_warnings_and_slow_cells_behave_as_in_a_kernel(tmp_path: Path) -> None:
    cells = ["%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]);",
             "%time total = sum(range(10))",
             "!echo shell says hi",
             "from coproduction.checks import wrap\nimport numpy as np\nnp.mean([])",
             "import time\ntime.sleep(1.5)\nprint('slow but fine')",
             "time.sleep(1.5)\nprint('also fine')",
             "while True:\n    pass",
             "print('after the interrupted cell', total)",
             "x = 1\nundefined_name"]
    outcome = grade([("kernel", cells)], tmp_path, timeout=2.5, total=30, max_output=200_000)["kernel"]
    shown = text(outcome)
    assert [i for i, r in outcome.results.items() if r["failed"]] == [6, 8], shown
    # An error reads as Python prints it: the cell's line, its code, the error.
    error = next(o for o in outcome.results[8]["outputs"] if o["output_type"] == "error")
    traceback = "\n".join(error["traceback"])
    assert "line 2" in traceback and "undefined_name" in traceback, traceback
    assert traceback.strip().endswith("NameError: name 'undefined_name' is not defined"), traceback
    assert any("image/png" in o.get("data", {}) for o in outcome.results[0]["outputs"])
    assert "Wall time" in shown and "shell says hi" in shown and "Mean of empty slice" in shown
    assert not [o for o in outcome.results[3]["outputs"] if o.get("name") == "stderr"], "a warning went to stderr"
    assert "slow but fine" in shown and "also fine" in shown, "the limit is per cell, not per notebook"
    assert outcome.interrupted == [6] and "after the interrupted cell 45" in shown
    assert outcome.end == "finished"


# 3. Nothing of one job outlives it (issue 34) ----------------------------------------------------------

LEAVE_IPC = '''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
size = 600 * 1024**2
for _ in range(3):  # System V shared memory, touched so that it holds real memory
    segment = libc.shmget(0, ctypes.c_size_t(size), 0o1000 | 0o600)
    address = libc.shmat(segment, None, 0)
    ctypes.memset(address, 1, size)
libc.semget(0, 4, 0o1000 | 0o600)  # a semaphore set
libc.msgget(0, 0o1000 | 0o600)  # a message queue
with open("/dev/shm/left-behind", "wb") as posix:  # POSIX shared memory
    posix.write(b"x" * 1024)
print(open("/proc/sysvipc/shm").read().count("\\n") - 1, "segments")
'''
IPC_CENSUS = '''
import os
print({kind: open(f"/proc/sysvipc/{kind}").read().count("\\n") - 1 for kind in ("shm", "sem", "msg")},
      sorted(os.listdir("/dev/shm")))
'''


@needs_sandbox
def test_no_ipc_object_outlives_its_job(tmp_path: Path) -> None:
    """Two submissions each leave 1.8 GB of System V shared memory, a
    semaphore set, a message queue and POSIX shared memory behind, on one
    worker, with the course outside /tmp: the learner after them sees none
    of it and is graded right (before, the third job's memory ran out)."""
    assert not ROOT.is_relative_to("/tmp")
    outcomes = grade([("first", [LEAVE_IPC]), ("second", [LEAVE_IPC]), HONEST, ("census", [IPC_CENSUS])], tmp_path,
                     timeout=30, total=60)
    assert "3 segments" in text(outcomes["first"]) and "3 segments" in text(outcomes["second"])
    honest_is_right(outcomes)
    assert text(outcomes["census"]).strip() == "{'shm': 0, 'sem': 0, 'msg': 0} []", text(outcomes["census"])
