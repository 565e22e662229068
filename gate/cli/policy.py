"""``gate policy validate [FILE]`` and ``gate policy schema``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from gate.checks.registry import available_checks
from gate.policy import load_policy, policy_model

__all__ = ["policy_schema", "register", "run_schema", "run_validate"]


def policy_schema() -> dict[str, object]:
    """The JSON Schema of ``.gate.yml`` (published as docs/gate-policy.schema.json)."""
    schema = policy_model().model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gate policy (.gate.yml)"
    return schema


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate policy``."""
    parser = subparsers.add_parser("policy", help="validate a policy or print its schema",
                                   description=__doc__)
    sub = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    validate = sub.add_parser("validate", help="check a policy file and print the effective "
                              "policy")
    validate.add_argument("file", nargs="?", default=Path(".gate.yml"), type=Path)
    validate.add_argument("--branch", help="show the effective policy for this target branch")
    validate.set_defaults(func=run_validate)
    schema = sub.add_parser("schema", help="print the policy's JSON Schema")
    schema.set_defaults(func=run_schema)


def run_validate(args: argparse.Namespace) -> int:
    """Exit 0 and print the effective policy, or exit 2 with every problem."""
    loaded = load_policy(args.file, tuple(available_checks()))
    effective = loaded.for_branch(args.branch)
    print(f"# {args.file}: valid" + (f" (effective for branch {args.branch})"
                                      if args.branch else ""))
    print(yaml.safe_dump(effective.model_dump(mode="json", by_alias=True), sort_keys=False),
          end="")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema."""
    print(json.dumps(policy_schema(), indent=2))
    return 0
