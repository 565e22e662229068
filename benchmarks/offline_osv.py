"""Benchmark: load a whole OSV database offline and audit a 200-pin requirements file.

Usage::

    .venv/bin/python benchmarks/offline_osv.py [--db PATH] [--pins N] [--zip]

``--db`` defaults to the PyPA advisory database snapshot used in development;
``--zip`` also converts it to osv.dev's ``all.zip`` layout and loads that.
The pins are real package names from the database, half at a version an
advisory lists (so findings are produced), half at a version far in the
future (so nothing matches).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import zipfile
from pathlib import Path

from gate.checks.dependencies import DependenciesCheck, load_database
from gate.checks.dependencies.offline import OsvDatabase
from gate.checks.dependencies.osv_source import decode, iter_documents
from gate.checks.interface import ScanTarget

DEFAULT_DB = Path("/work/shared/data/pypa-advisory-db")


def timed_load(path: Path) -> OsvDatabase:
    started = time.perf_counter()
    db = load_database(path)
    elapsed = time.perf_counter() - started
    stats = db.stats
    print(f"load {path.name}: {elapsed:.2f} s, {stats.documents} files, "
          f"{stats.records} records indexed for {len(db.index)} packages, "
          f"skipped {dict(stats.skipped) or 'none'}")
    for problem in stats.problems:
        print(f"  unreadable: {problem}")
    return db


def requirements_for(db: OsvDatabase, count: int) -> str:
    lines = []
    for n, name in enumerate(sorted(db.index)[:count]):
        listed = sorted(v for r in db.index[name] for a in r.affected for v in a.versions)
        version = listed[-1] if listed and n % 2 == 0 else "9999.0"
        lines.append(f"{name}=={version}")
    return "\n".join(lines) + "\n"


def to_zip(source: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, doc in enumerate(iter_documents(source)):
            try:
                archive.writestr(f"{n}.json", json.dumps(decode(doc)))
            except (ValueError, TypeError):
                continue


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--pins", type=int, default=200)
    parser.add_argument("--zip", action="store_true", help="also benchmark the zip form")
    args = parser.parse_args()

    db = timed_load(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "requirements.txt").write_text(requirements_for(db, args.pins))
        target = ScanTarget(root=root, files=("requirements.txt",), vuln_db=args.db)
        check = DependenciesCheck()
        started = time.perf_counter()
        check.run(target)  # first run loads the database into the process cache
        print(f"first check run (load + audit {args.pins} pins): "
              f"{time.perf_counter() - started:.2f} s")
        started = time.perf_counter()
        result = check.run(target)
        elapsed = time.perf_counter() - started
        print(f"audit {args.pins} pins (database cached): {elapsed * 1000:.1f} ms, "
              f"{len(result.findings)} findings, {len(result.not_scanned)} not audited")
        if args.zip:
            archive = root / "all.zip"
            to_zip(args.db, archive)
            zipped = timed_load(archive)
            assert zipped.stats.records == db.stats.records, "zip and directory differ"


if __name__ == "__main__":
    main()
