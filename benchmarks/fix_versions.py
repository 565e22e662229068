"""How often the one-fix-per-pin version (``gate fix``, ``packages[].fix_version``) is right.

``gate.report.grouping.smallest_fix`` only sees what a finding carries: each
advisory's fixed versions above the pin. This script checks it against the
truth computed from the advisories' full OSV ranges (introduced / fixed /
last_affected events), over every package of the PyPA advisory database with
at least two advisories, pinning each version its ranges name:

- exact: the same version as the smallest release that no advisory affects;
- safe but larger: a later release than needed, still unaffected;
- unsafe: a version some advisory still affects (``gate fix`` would not make the check pass).

Run: ``python benchmarks/fix_versions.py PATH/TO/advisory-database/vulns``
(a checkout of https://github.com/pypa/advisory-database).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gate.report.grouping import smallest_fix

Events = list[tuple[Version, str]]
ZERO = Version("0")


def _version(text: object) -> Version | None:
    try:
        return ZERO if text == "0" else Version(str(text))
    except InvalidVersion:
        return None


def _ranges(record: dict[str, object], package: str) -> list[Events]:
    out: list[Events] = []
    for affected in record.get("affected") or []:  # type: ignore[attr-defined]
        if str(affected.get("package", {}).get("name", "")).lower() != package:
            continue
        for rng in affected.get("ranges") or []:
            if rng.get("type") != "ECOSYSTEM":
                continue
            events = []
            for event in rng.get("events") or []:
                ((kind, raw),) = event.items()
                parsed = _version(raw)
                if parsed is not None:
                    events.append((parsed, kind))
            out.append(sorted(events, key=lambda e: (e[0], e[1] != "introduced")))
    return out


def _affected(ranges: list[Events], version: Version) -> bool:
    for events in ranges:
        state = False
        for at, kind in events:
            if at > version:
                break
            if kind == "introduced":
                state = True
            elif kind == "fixed":
                state = False
            elif kind == "last_affected":
                state = state and at == version
        if state:
            return True
    return False


def _fixed(ranges: list[Events]) -> list[Version]:
    return sorted({at for events in ranges for at, kind in events if kind == "fixed"})


def measure(root: Path) -> Counter[str]:
    """Compare every pin's computed fix with the truth; print the first disagreements."""
    stats: Counter[str] = Counter()
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        package = directory.name.lower()
        records = []
        for path in sorted(directory.glob("*.yaml")):
            record = yaml.safe_load(path.read_text(encoding="utf-8"))
            ranges = [] if record.get("withdrawn") else _ranges(record, package)
            if ranges:
                records.append(ranges)
        if len(records) < 2:
            continue
        pins = sorted({at for r in records for events in r for at, _ in events if at != ZERO})
        for pin in pins:
            hit = [r for r in records if _affected(r, pin)]
            if not hit:
                continue
            fixed = [[str(v) for v in _fixed(r) if v > pin] for r in hit]
            guess = smallest_fix(str(pin), fixed)
            options = sorted({v for r in hit for v in _fixed(r) if v > pin})
            truth = next((o for o in options if not any(_affected(r, o) for r in hit)), None)
            if any(not f for f in fixed):
                truth = None
            stats["pins"] += 1
            if guess is None or truth is None:
                stats["exact" if guess == truth else "no fix disagreement"] += 1
            elif Version(guess) == truth:
                stats["exact"] += 1
            elif any(_affected(r, Version(guess)) for r in hit):
                stats["unsafe"] += 1
                print(f"unsafe: {package} {pin}: {guess} (needed {truth})")
            else:
                stats["safe but larger"] += 1
    return stats


def main() -> int:
    """Print the figures."""
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    stats = measure(Path(sys.argv[1]))
    total = stats["pins"] or 1
    for key in ("exact", "safe but larger", "unsafe", "no fix disagreement"):
        print(f"{key:>20}: {stats[key]:5d} ({100 * stats[key] / total:.1f}%)")
    print(f"{'pins':>20}: {stats['pins']:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
