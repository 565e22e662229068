"""Ctrl-C at any moment of ``gate run`` ends it with one line and exit 130 (issue 27).

Ctrl-C in a terminal sends SIGINT to the whole foreground process group: the
gate and every worker it started. The gate is started in a session of its
own and the signal sent to that group, as a terminal would, at 0.1, 0.3, 0.5
and 1.0 seconds: while Python loads, while the policy and inventory are read,
while the check workers start, and while they scan. Whatever the moment,
stderr holds only the gate's one line (no worker's traceback) and the exit
code is 130.

The gate's code can only act once the interpreter runs it: a SIGINT while
CPython itself starts up (before ``site`` is done) is CPython's. In a
development install ``site`` also runs the editable-install finder, which can
take over 100 ms on a loaded machine; so the gate is started with ``-S`` and
the source tree and its dependencies on ``PYTHONPATH``, as a wheel install
loads it, and the clock starts when the interpreter does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

import gate

pytestmark = pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")

MESSAGES = ("gate: interrupted by SIGINT: every worker was stopped; no verdict, no report",
            "gate: interrupted by SIGINT: no verdict, no report")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("interrupt") / "repo"
    for i in range(400):
        path = root / f"pkg{i % 20}" / f"mod{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"def f{j}(x):\n    return eval(x) + {j}\n\n" for j in range(30))
        path.write_text(f"import subprocess\n\n{body}", encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    return root


@pytest.mark.parametrize("after", [0.1, 0.3, 0.5, 1.0])
def test_ctrl_c_at_any_moment_is_one_line_and_130(after: float, repo: Path,
                                                  tmp_path: Path) -> None:
    report = tmp_path / "gate.json"
    source = Path(gate.__file__).resolve().parents[1]
    path = os.pathsep.join([str(source), sysconfig.get_paths()["purelib"]])
    proc = subprocess.Popen(
        [sys.executable, "-S", "-m", "gate", "run", str(repo), "--no-post", "--no-cache",
         "--jobs", "2", "--checks", "sast,secrets,iac", "--report", f"json={report}"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
        env={**os.environ, "PYTHONPATH": path})
    time.sleep(after)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # the whole group, as a terminal's Ctrl-C does
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err.decode()
    assert err.decode().splitlines() in ([m] for m in MESSAGES), err.decode()
    assert out == b""
    assert not report.exists()


def test_a_sigint_while_a_worker_starts_waits_for_the_start_to_be_recorded() -> None:
    from gate.signals import Interrupted, starting_workers, stop_on_signals

    steps = []
    with stop_on_signals(), pytest.raises(Interrupted) as stopped:
        with starting_workers():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            steps.append("started and recorded")
        steps.append("after the block")  # never: the signal is handed over as the block ends
    assert steps == ["started and recorded"]
    assert stopped.value.signum == signal.SIGINT


def test_a_ctrl_c_while_the_standbys_start_leaves_none_waiting(repo: Path) -> None:
    """Interrupted right after the standbys are forked: they are dismissed, and the gate
    does not wait at exit for a standby that waits for it (multiprocessing joins every
    live child at exit): one line, 130, at once."""
    probe = ("import sys\nimport gate.standby as standby\nfrom gate.signals import Interrupted\n"
             "real = standby.start\n"
             "def start(checks):\n    real(checks)\n    raise Interrupted(2)\n"
             "standby.start = start\n"
             f"sys.argv = ['gate', 'run', {str(repo)!r}, '--no-post', '--no-cache']\n"
             "from gate.cli.main import console\nconsole()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines() == [MESSAGES[1]]


def test_a_signal_whose_exception_python_drops_still_stops_the_run() -> None:
    """A handler that runs inside a weakref callback raises where Python only reports
    "Exception ignored" and carries on: the block raises it again when it ends."""
    import weakref

    from gate.signals import Interrupted, stop_on_signals

    class Held:
        pass

    steps: list[str] = []
    with pytest.raises(Interrupted) as stopped, stop_on_signals():
        held = Held()
        ref = weakref.ref(held, lambda _: os.kill(os.getpid(), signal.SIGINT))
        del held  # the callback runs here, and the handler inside it
        steps.append("carried on")
    assert ref() is None
    assert steps == ["carried on"]  # the first raise went nowhere
    assert stopped.value.signum == signal.SIGINT
