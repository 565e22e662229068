"""Benchmark: what a hostile pull request can cost the gate (issue 10), measured.

Usage::

    .venv/bin/python benchmarks/hostile_inputs.py [--files N]

Prints, for the current code:

* **YAML bombs.** A repository with billion-laughs files named like a
  CloudFormation template, a Kubernetes manifest and a settings file, next to
  an AWS key and a B602: wall time of ``gate run`` (all checks), the peak
  resident memory of any gate process (sampled from ``/proc`` every 50 ms),
  the files listed as not scanned and the findings still reported.
* **Policy bomb.** ``.gate.yml`` is a billion-laughs file: exit code and time.
* **Stop signal.** SIGTERM to a run over ``--files`` generated files once its
  pools are busy: exit code, and seconds until no process of the run is left.
* **Forged cache.** The committed-cache attack of the issue on a fresh clone:
  exit codes with the default cache, an explicit ``--cache-dir`` and ``--no-cache``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

GIT = ["git", "-c", "user.email=b@example.com", "-c", "user.name=b"]


def bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    subprocess.run([*GIT, "-C", str(root), "init", "-q", "-b", "main"], check=True)
    subprocess.run([*GIT, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "x"], check=True)
    return root


def marked(marker: str) -> list[int]:
    needle = f"GATE_BENCH_MARKER={marker}".encode()
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    out.append(int(entry.name))
            except OSError:
                continue
    return out


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def gate(args: list[str], marker: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "gate", "run", *args, "--no-post"],
                            env={**os.environ, "GATE_BENCH_MARKER": marker},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def yaml_bombs(tmp: Path) -> None:
    root = repo(tmp / "bombs", {
        "cfn/stack.template.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"
                                   + bomb(),
        "k8s/deploy.yaml": "apiVersion: v1\nkind: Pod\n" + bomb(),
        "config/settings.yml": bomb(),
        "deploy/creds.env": "AWS_ACCESS_KEY_ID=" + "AKIA" + "R5T2W8Q1Z7K3M9X4\n",
        "app.py": "import subprocess\n\n\ndef run(c):\n    subprocess.call(c, shell=True)\n",
    })
    marker = uuid.uuid4().hex
    started = time.monotonic()
    proc = gate([str(root), "--no-cache", "--format", "json"], marker)
    peak = 0.0
    while proc.poll() is None:
        peak = max([peak, *(rss_mb(pid) for pid in marked(marker))])
        time.sleep(0.05)
    wall = time.monotonic() - started
    out, _ = proc.communicate()
    data = json.loads(out)
    skipped = sorted(f"{c['name']}:{n['path']}" for c in data["checks"] for n in c["not_scanned"])
    found = sorted(f"{f['check']}:{f['rule_id']}" for f in data["findings"])
    print(f"yaml bombs: exit {proc.returncode}, {wall:.1f} s, peak RSS of any gate process "
          f"{peak:.0f} MB")
    print(f"  not scanned: {', '.join(skipped)}")
    print(f"  findings:    {', '.join(found)}")


def policy_bomb(tmp: Path) -> None:
    root = repo(tmp / "policy", {".gate.yml": bomb(), "a.py": "x = 1\n"})
    started = time.monotonic()
    proc = gate([str(root), "--checks", "iac"], uuid.uuid4().hex)
    _, err = proc.communicate()
    print(f"policy bomb: exit {proc.returncode} in {time.monotonic() - started:.2f} s: "
          f"{err.strip().splitlines()[-1]}")


def stop_signal(tmp: Path, files: int) -> None:
    body = "".join(f"def f{j}(x):\n    return eval(x) + {j}\n\n" for j in range(40))
    root = repo(tmp / "many", {f"pkg{i % 30}/mod{i}.py": f"import subprocess\n{body}"
                               for i in range(files)})
    marker = uuid.uuid4().hex
    proc = gate([str(root), "--no-cache", "--jobs", "2", "--checks", "sast,secrets"], marker)
    while len(marked(marker)) < 5:
        time.sleep(0.1)
    time.sleep(1.0)
    busy = len(marked(marker))
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    while marked(marker) and time.monotonic() - sent < 30:
        time.sleep(0.02)
    gone = time.monotonic() - sent
    print(f"SIGTERM over {files} files: {busy} processes before, exit {proc.wait()}, "
          f"none left after {gone:.2f} s")


def forged_cache(tmp: Path) -> None:
    import sqlite3

    from gate.cache.entry import canonical
    from gate.cache.mac import sign

    root = repo(tmp / "forge", {"app.py": "import subprocess\n\n\ndef run(c):\n"
                                          "    subprocess.call('ls ' + c, shell=True)\n"})
    cache = tmp / "genuine"
    gate([str(root), "--checks", "sast", "--cache-dir", str(cache)], "x").communicate()
    forged = 0
    with sqlite3.connect(cache / "v4" / "cache.sqlite", isolation_level=None) as db:
        for digest, body in db.execute("SELECT digest, body FROM entries"
                                       " WHERE namespace = 'sast'").fetchall():
            entry = json.loads(body)
            entry["payload"]["findings"] = []
            body = canonical(entry)  # a MAC under the only key the change can know: its own
            db.execute("UPDATE entries SET body = ?, mac = ? WHERE namespace = 'sast'"
                       " AND digest = ?", (body, sign(os.urandom(32), body), digest))
            forged += 1
    db.close()
    print(f"forged {forged} sast cache entries to say 'no findings'")
    shutil.copytree(cache, root / ".gate-cache")
    subprocess.run([*GIT, "-C", str(root), "add", "-f", ".gate-cache"], check=True)
    subprocess.run([*GIT, "-C", str(root), "commit", "-qm", "cache"], check=True)
    clone = tmp / "clone"
    subprocess.run(["git", "clone", "-q", str(root), str(clone)], check=True)
    codes = {}
    for name, extra in (("default", []), ("--cache-dir .gate-cache",
                                          ["--cache-dir", str(clone / ".gate-cache")]),
                        ("--no-cache", ["--no-cache"])):
        proc = gate([str(clone), "--checks", "sast", *extra], "x")
        proc.communicate()
        codes[name] = proc.returncode
    print("forged committed cache, fresh clone: "
          + ", ".join(f"{k}: exit {v}" for k, v in codes.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env_home = Path(tmp) / "home"
        os.environ["XDG_CACHE_HOME"] = str(env_home / "cache")
        os.environ["XDG_CONFIG_HOME"] = str(env_home / "config")
        yaml_bombs(Path(tmp))
        policy_bomb(Path(tmp))
        forged_cache(Path(tmp))
        stop_signal(Path(tmp), args.files)


if __name__ == "__main__":
    main()
