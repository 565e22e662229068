"""Benchmark: recall and false positives of the secrets check per provider family, and its speed.

Usage::

    .venv/bin/python benchmarks/secrets_recall.py [--seeds 20]
    .venv/bin/python benchmarks/secrets_recall.py --speed [--files 2760] [--keep DIR] [--rounds 2]

Recall: for every detector and every seed, a live-format value generated at
run time (valid checksum or structure) is written to a file and scanned by
the real check (detect-secrets included); found means a finding of that
rule at ``high`` or ``critical``. False positives: the same with each
detector's look-alikes (placeholder, documented example, test-mode key, bad
checksum, public key, expired token, development host); a false positive is
any finding at ``high`` or above. Prints one row per family, and one for the
credential-file rules (``.env``, ``.netrc``, docker config...: a realistic
credential in the file's own place, then a development or template value).

``--speed`` times the check over a real tree (packages copied from
site-packages, as ``scan_speed.py`` builds it), alternating runs with and
without our detectors in one process, and prints the ratio; it also lists
what our detectors changed on that tree (new findings at high or above,
detect-secrets hits re-rated). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from gate.checks.secrets import scan, scan_files
from gate.checks.secrets.detectors import DETECTORS, find_secrets
from gate.checks.secrets.detectors.samples import (
    FILE_LOOKALIKES,
    FILE_POSITIVES,
    lookalike,
    positive,
)
from gate.checks.secrets.lines import split_lines
from gate.findings import Severity


def recall(seeds: int) -> None:
    """Print recall and false positives per family."""
    found: Counter[str] = Counter()
    loud: Counter[str] = Counter()
    total: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for seed in range(seeds):
            rng, files = random.Random(seed), {}
            for detector in DETECTORS:
                for kind, build in (("pos", positive), ("neg", lookalike)):
                    name = f"{kind}-{detector.rule_id}.py"
                    (root / name).write_text(build(detector.rule_id, rng) + "\n")
                    files[name] = detector
            result = scan_files(root, sorted(files))
            hits: dict[str, list[tuple[str, Severity]]] = defaultdict(list)
            for f in result.findings:
                hits[f.path].append((f.rule_id, f.severity))
            for name, detector in files.items():
                family = detector.family
                if name.startswith("pos-"):
                    total[family] += 1
                    found[family] += any(rule == detector.rule_id and sev >= Severity.HIGH
                                         for rule, sev in hits[name])
                else:
                    loud[family] += any(sev >= Severity.HIGH for _, sev in hits[name])
    print(f"{'family':18} {'detectors':>9} {'samples':>8} {'recall':>8} {'look-alikes >= high':>20}")
    for family in sorted(total):
        count = sum(1 for d in DETECTORS if d.family == family)
        print(f"{family:18} {count:9d} {total[family]:8d} {found[family] / total[family]:8.1%} "
              f"{loud[family]:20d}")
    print(f"{'all':18} {len(DETECTORS):9d} {sum(total.values()):8d} "
          f"{sum(found.values()) / sum(total.values()):8.1%} {sum(loud.values()):20d}")
    credential_files(seeds)


def credential_files(seeds: int) -> None:
    """Recall and false positives of the credential-file rules (found by place, not format)."""
    found = loud = total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            rng = random.Random(seed)
            for rule in FILE_POSITIVES:
                for kind, builders in (("pos", FILE_POSITIVES), ("neg", FILE_LOOKALIKES)):
                    path, content = builders[rule](rng)
                    root = Path(tmp) / f"{seed}-{kind}-{rule}"
                    (root / path).parent.mkdir(parents=True, exist_ok=True)
                    (root / path).write_text(content + "\n")
                    findings = scan_files(root, [path]).findings
                    if kind == "pos":
                        total += 1
                        found += any(f.rule_id == rule and f.severity >= Severity.HIGH
                                     for f in findings)
                    else:
                        loud += any(f.severity >= Severity.HIGH for f in findings)
    print(f"{'credential files':18} {len(FILE_POSITIVES):9d} {total:8d} {found / total:8.1%} "
          f"{loud:20d}")


def speed(files: int, keep: Path | None, rounds: int) -> None:
    """Print the check's time with and without our detectors on a real tree, and the diff."""
    sys.path.insert(0, str(Path(__file__).parent))
    from scan_speed import DEFAULT_PACKAGES, build_corpus

    root = keep or Path(tempfile.mkdtemp(prefix="gate-secrets-"))
    if not root.exists() or not any(root.iterdir()):
        root.mkdir(parents=True, exist_ok=True)
        build_corpus(root, DEFAULT_PACKAGES, files)
    rels = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    original = scan.our_hits
    times: dict[str, list[float]] = {"with": [], "without": []}
    results = {}
    for turn in ("without", "with") * rounds:
        scan.our_hits = original if turn == "with" else (lambda filename, lines: [])  # type: ignore[assignment]
        started = time.perf_counter()
        results[turn] = scan_files(root, rels)
        times[turn].append(time.perf_counter() - started)
    scan.our_hits = original  # type: ignore[assignment]
    best = {k: min(v) for k, v in times.items()}
    texts = []
    for rel in rels:
        try:
            texts.append((rel, split_lines((root / rel).read_text(encoding="utf-8"))))
        except (OSError, UnicodeDecodeError):
            continue
    started = time.perf_counter()
    for rel, lines in texts:
        find_secrets(lines, rel)
    alone = time.perf_counter() - started
    print(f"tree: {len(rels)} files under {root}")
    print(f"secrets check without our detectors: {best['without']:.1f}s")
    print(f"secrets check with our detectors:    {best['with']:.1f}s")
    print(f"ratio: {best['with'] / best['without']:.3f} (best of {rounds} each, alternating)")
    print(f"our detectors alone over the same lines: {alone:.1f}s, "
          f"i.e. {(best['without'] + alone) / best['without']:.3f}x the check without them")
    before = {(f.path, f.start_line, f.rule_id) for f in results["without"].findings}
    after = results["with"].findings
    kept = {(f.path, f.start_line, a) for f in after for a in (f.rule_id, *f.aliases)}
    print(f"detect-secrets hits kept (fidelity): {len(before & kept)}/{len(before)}")
    for f in after:
        if f.rule_id.startswith("GATE-") and not f.aliases and f.severity >= Severity.HIGH:
            print(f"  new at {f.severity.label}: {f.rule_id} {f.path}:{f.start_line}")
        elif f.aliases or dict(f.extra).get("classification"):
            old = next((s for s in results["without"].findings
                        if s.path == f.path and s.start_line == f.start_line), None)
            if old is not None and old.severity != f.severity:
                print(f"  re-rated {old.rule_id} {old.severity.label} -> {f.rule_id} "
                      f"{f.severity.label} ({dict(f.extra).get('classification')}): "
                      f"{f.path}:{f.start_line}")


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--files", type=int, default=2760)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--rounds", type=int, default=2, help="timed runs of each side")
    args = parser.parse_args()
    if args.speed:
        speed(args.files, args.keep, args.rounds)
    else:
        recall(args.seeds)


if __name__ == "__main__":
    main()
