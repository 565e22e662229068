"""Benchmark: precision and speed of the secrets check on files detect-secrets would not read.

Usage::

    .venv/bin/python benchmarks/secrets_stream.py [DIR ...] [--per-kind 300] [--seed 1]

Collects real binary files (by default from this interpreter's installation:
``.pyc``, ``.so``, ``.png``, ``.whl``, ``.gz``; or from the DIRs given, e.g. a
checkout of pypa/pip, whose tests hold wheels, archives and executables) and
text files detect-secrets skips by name (``.css``, ``.svg``, lock files), a
sample of up to ``--per-kind`` of each suffix, and prints per suffix:

- findings in ``specific`` mode (what the gate runs on such files), by type:
  every one is a false positive unless someone committed a credential there;
- findings if the heuristics (high entropy, keyword, IP) ran too: what the
  gate would report without the ``specific`` mode;
- throughput (MB/s) of both, measured in the same run.

Then the ratio of streaming a large text file (``text`` mode) to detect-secrets
reading the same file whole, both measured here. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from gate.checks.secrets.check import _detect_secrets, _scan_one
from gate.checks.secrets.hits import Hits, scanner_for
from gate.checks.secrets.stream import GENERIC, Mode, segments

KINDS = (".pyc", ".so", ".png", ".whl", ".gz", ".zip", ".exe", ".jpg", ".css", ".svg", ".lock",
         ".map")


def collect(roots: list[Path], per_kind: int, seed: int) -> dict[str, list[Path]]:
    """Up to ``per_kind`` regular files of each suffix in :data:`KINDS`, sampled reproducibly."""
    found: dict[str, list[Path]] = defaultdict(list)
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in KINDS and path.is_file() and not path.is_symlink():
                found[path.suffix].append(path)
    rng = random.Random(seed)
    return {kind: sorted(rng.sample(paths, min(per_kind, len(paths))))
            for kind, paths in sorted(found.items())}


def scan(paths: list[Path], plugins: dict[str, object], excluded: frozenset[str]
         ) -> tuple[Counter[str], float, int]:
    """Findings by type, seconds, bytes: every file streamed in ``specific`` mode."""
    scanner = scanner_for(excluded)
    counts: Counter[str] = Counter()
    size, started = 0, time.perf_counter()
    for path in paths:
        size += path.stat().st_size
        hits = Hits(str(path), plugins)
        for first, lines in segments(path, Mode.SPECIFIC):
            hits.scan(scanner, str(path), [(first + i, line) for i, line in enumerate(lines)])
        counts.update(f.rule_id for f in hits.findings())
    return counts, time.perf_counter() - started, size


def text_ratio(plugins: dict[str, object]) -> None:
    """Streaming a 1.9 MB text file against detect-secrets reading it whole."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        body = "".join(f"SETTING_{i} = 'generated value {i}'\n" for i in range(60_000))
        (root / "settings.py").write_text(body, encoding="utf-8")
        (root / "settings.env").write_bytes(body.encode() + b"\0")
        timings = {}
        for name in ("settings.py", "settings.env"):
            started = time.perf_counter()
            _scan_one(root, name, plugins, "utf-8")
            timings[name] = time.perf_counter() - started
    print(f"\ntext file of {len(body) / 1e6:.1f} MB: read whole {timings['settings.py']:.2f}s, "
          f"streamed {timings['settings.env']:.2f}s, "
          f"ratio {timings['settings.env'] / timings['settings.py']:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--per-kind", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    roots = args.roots or [Path(sys.base_prefix) / "lib", Path(sys.prefix) / "lib"]
    kinds = collect(roots, args.per_kind, args.seed)
    print(f"{'suffix':<7}{'files':>6}{'MB':>8}  {'specific: findings':<28}{'MB/s':>6}  "
          f"{'with heuristics: findings':<34}{'MB/s':>6}")
    with _detect_secrets() as plugins:
        for kind, paths in kinds.items():
            specific, t1, size = scan(paths, plugins, GENERIC)
            heuristic, t2, _ = scan(paths, plugins, frozenset())
            print(f"{kind:<7}{len(paths):>6}{size / 1e6:>8.1f}  "
                  f"{sum(specific.values()):<4}{dict(specific)!s:<24}{size / 1e6 / t1:>6.1f}  "
                  f"{sum(heuristic.values()):<4}{dict(heuristic)!s:<30}{size / 1e6 / t2:>6.1f}")
        text_ratio(plugins)


if __name__ == "__main__":
    main()
