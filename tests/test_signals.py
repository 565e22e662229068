"""Stopping ``gate run`` leaves nothing behind (issue 10, item 4).

A run over a few thousand generated files is stopped once its check workers
and their pools are busy; five seconds later no process of that run may
remain. Processes are recognised by an environment marker every worker
inherits (read from ``/proc``), so nothing else on the machine is counted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(),
                                reason="needs Linux /proc to find the gate's processes")

FILES = 3000
GRACE = 5.0


def _marked(marker: str) -> list[int]:
    """Live (non-zombie) processes whose environment carries ``marker``."""
    needle = f"GATE_TEST_MARKER={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = next(line for line in (entry / "status").read_text().splitlines()
                         if line.startswith("State:"))
        except (OSError, StopIteration):
            continue
        if "Z" not in state.split()[1]:
            found.append(int(entry.name))
    return found


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many") / "repo"
    for i in range(FILES):
        path = root / f"pkg{i % 30}" / f"mod{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"def f{j}(x):\n    return eval(x) + {j}\n\n" for j in range(40))
        path.write_text(f"import subprocess\n\n{body}", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


def _start(root: Path, marker: str, report: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gate", "run", str(root), "--no-post", "--no-cache", "--jobs", "2",
         "--checks", "sast,secrets", "--report", f"json={report}"],
        env={**os.environ, "GATE_TEST_MARKER": marker},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(_marked(marker)) < 5:  # the gate, two check workers, and their pool workers
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, f"workers never started: {_marked(marker)}"
        time.sleep(0.2)
    time.sleep(1.0)  # let the pools get busy
    return proc


def _left_after_grace(marker: str) -> list[int]:
    deadline = time.monotonic() + GRACE
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _marked(marker)


@pytest.mark.parametrize(("signum", "code"), [
    (signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGHUP, 129)])
def test_a_stop_signal_ends_every_process(big_tree: Path, tmp_path: Path,
                                          signum: int, code: int) -> None:
    marker = uuid.uuid4().hex
    report = tmp_path / "gate.json"
    proc = _start(big_tree, marker, report)
    proc.send_signal(signum)
    left = _left_after_grace(marker)
    for pid in left:  # do not leak them into the rest of the suite, then fail
        os.kill(pid, signal.SIGKILL)
    assert left == []
    assert proc.wait(timeout=30) == code
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode()
    name = signal.Signals(signum).name
    assert f"gate: interrupted by {name}: every worker was stopped; no verdict, no report" in stderr
    assert not report.exists()


def test_a_killed_gate_leaves_nothing(big_tree: Path, tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    proc = _start(big_tree, marker, tmp_path / "gate.json")
    proc.kill()
    assert proc.wait(timeout=30) == -signal.SIGKILL
    left = _left_after_grace(marker)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []
