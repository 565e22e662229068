"""What ``gate run`` and ``gate pre-push`` start before anything else: the standby workers,
with what they and the run share imported once, before the fork."""

from __future__ import annotations

import json
import subprocess
import sys


def _shared_after(argv: list[str]) -> list[str]:
    probe = ("import json, sys\nfrom gate.cli.early import start_standby\n"
             "from gate import standby\n"
             f"start_standby({argv!r})\n"
             "started = standby.waiting()\nstandby.dismiss_all()\n"
             "print(json.dumps([list(started), sorted(m for m in ('gate.worker', "
             "'gate.cache.store', 'gate.checks.engine.digests', 'gate.checks.engine.pool', "
             "'platformdirs', 'gate.checks.sast.check', 'gate.checks.secrets.check') "
             "if m in sys.modules)]), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    found: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return found


def test_what_the_run_and_its_standbys_share_is_imported_before_the_fork() -> None:
    assert _shared_after(["."]) == [["sast", "secrets"], [
        "gate.cache.store", "gate.checks.engine.digests", "gate.checks.engine.pool",
        "gate.checks.sast.check", "gate.checks.secrets.check", "gate.worker", "platformdirs"]]


def test_without_a_cache_only_the_worker_is() -> None:
    assert _shared_after([".", "--no-cache", "--checks", "sast"]) == [
        ["sast"], ["gate.checks.sast.check", "gate.worker"]]
