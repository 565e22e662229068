"""How workers start: fork only where safe (Linux, no thread but quiet ones), spawn elsewhere."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from gate.processes import FORK_ALLOWED, widen_pipe

pytestmark = pytest.mark.skipif(not FORK_ALLOWED, reason="fork is used on Linux only")


def _probe(body: str) -> str:
    """Run ``body`` in a fresh interpreter (one thread, unlike the test process) and return
    what it prints."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(body)], capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_a_single_threaded_process_forks() -> None:
    assert _probe("""
        from gate.processes import can_fork, worker_context
        print(can_fork(), worker_context().get_start_method())
    """) == "True fork"


def test_another_thread_means_spawn_and_a_quiet_one_does_not() -> None:
    assert _probe("""
        import threading, time
        from gate.processes import can_fork, quiet_thread, worker_context
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait, daemon=True)
        thread.start()
        print(can_fork(), worker_context().get_start_method(), end=" ")
        quiet_thread(thread)
        print(can_fork(), worker_context().get_start_method(), end=" ")
        stop.set(); thread.join()
        print(can_fork())
    """) == "False spawn True fork True"


def test_a_forked_worker_dies_by_sigterm_as_a_spawned_one_does() -> None:
    """The parent's handler (raise in its code) is not the worker's."""
    assert _probe("""
        import os, signal, time
        from gate.processes import forked_child, freezing, worker_context

        def handler(signum, frame):
            raise SystemExit("parent handler ran in the worker")

        def work():
            forked_child()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)

        if __name__ == "__main__":
            signal.signal(signal.SIGTERM, handler)
            ctx = worker_context()
            proc = ctx.Process(target=work)
            with freezing(ctx):
                proc.start()
            proc.join(10)
            print(ctx.get_start_method(), proc.exitcode)
    """) == f"fork {-15}"


def test_the_watchdog_of_a_hardened_worker_still_lets_it_fork_its_pool() -> None:
    assert _probe("""
        import os
        from gate.limits import WorkerLimits, harden_worker
        from gate.processes import worker_context
        harden_worker(os.getppid(), WorkerLimits())
        print(worker_context().get_start_method())
    """) == "fork"


def test_a_widened_pipe_takes_a_large_job_before_anyone_reads() -> None:
    """A standby still loading its scanner must not hold up the parent handing it a job."""
    reader, writer = multiprocessing.Pipe(duplex=False)
    widen_pipe(writer)
    job = ["x" * 100] * 5000  # ~520 KB pickled: well over a plain pipe's 64 KiB
    done = threading.Thread(target=writer.send, args=(job,), daemon=True)
    done.start()
    done.join(timeout=10)
    sent = not done.is_alive()
    assert reader.recv() == job  # (unblocks the sender if the widening failed)
    assert sent


def test_collection_is_held_through_start_up_and_resumed_for_the_checks() -> None:
    """``gate run`` holds the collector while it starts (and forks standbys that inherit
    that); every worker resumes it when its job arrives, the parent once the checks run."""
    out = _probe("""
        import gc
        from gate.processes import defer_collection, resume_collection
        defer_collection()
        held = gc.isenabled()
        resume_collection()
        resumed, frozen = gc.isenabled(), gc.get_freeze_count() > 0
        resume_collection()  # already running: nothing changes
        print(held, resumed, frozen, gc.isenabled())
    """)
    assert out == "False True True True"


def test_the_cli_run_in_process_gives_the_collector_back_as_it_found_it(tmp_path: Path) -> None:
    """A run that judged, and one that stopped at a bad policy before any check: either way
    the caller's collector runs again and holds nothing frozen."""
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "app.py").write_text("x = 1\n")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / ".gate.yml").write_text("fail_onn: high\n")
    for tree in ("good", "bad"):
        subprocess.run(["git", "init", "-q", str(tmp_path / tree)], check=True)
    out = _probe(f"""
        import gc
        from gate.cli.main import main
        for tree in ("good", "bad"):
            code = main(["run", {str(tmp_path)!r} + "/" + tree, "--no-cache", "--no-post",
                         "--checks", "sast", "-q"])
            print(tree, code, gc.isenabled(), gc.get_freeze_count())
        gc.disable()
        main(["run", {str(tmp_path)!r} + "/good", "--no-cache", "--no-post", "--checks",
              "sast", "-q"])
        print("disabled before", gc.isenabled())
    """)
    said = [line for line in out.splitlines() if line.startswith(("good", "bad", "disabled"))]
    assert said == ["good 0 True 0", "bad 2 True 0", "disabled before False"]

