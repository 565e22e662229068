"""``gate init``: write ``.gate.yml`` with the built-in defaults, stricter options commented."""

from __future__ import annotations

import argparse
from importlib.resources import files
from pathlib import Path

from gate.errors import UsageError

__all__ = ["register", "run", "starter_policy"]


def starter_policy() -> str:
    """The commented starter policy shipped with the package."""
    return files("gate.policy").joinpath("starter.yml").read_text(encoding="utf-8")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate init``."""
    parser = subparsers.add_parser("init", help="write .gate.yml: the defaults, stricter options commented",
                                   description=__doc__)
    parser.add_argument("path", nargs="?", default=".", type=Path,
                        help="repository root (default: .)")
    parser.add_argument("--force", action="store_true", help="overwrite an existing .gate.yml")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write PATH/.gate.yml unless it exists (or --force)."""
    if not args.path.is_dir():
        raise UsageError(f"not a directory: {args.path}")
    target = args.path / ".gate.yml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists (use --force to overwrite)")
    target.write_text(starter_policy(), encoding="utf-8")
    print(f"wrote {target}: the built-in default policy (no verdict changes); stricter options "
          "are commented out in it; `gate policy show` prints the effective policy")
    return 0
