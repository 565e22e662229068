"""``gate policy show|validate [FILE]`` and ``gate policy schema``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import yaml

from gate.checks.registry import available_checks
from gate.policy import LoadedPolicy, load_policy, policy_model
from gate.policy.explain import explain

__all__ = ["policy_schema", "register", "run_schema", "run_show", "run_validate"]


def policy_schema() -> dict[str, object]:
    """The JSON Schema of ``.gate.yml`` (published as docs/gate-policy.schema.json)."""
    from gate.policy.schema import json_schema

    schema = json_schema(policy_model())
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gate policy (.gate.yml)"
    return schema


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``gate policy``."""
    parser = subparsers.add_parser("policy", help="show, validate a policy or print its schema",
                                   description=__doc__)
    sub = parser.add_subparsers(dest="policy_command", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="print the effective policy and where each value "
                          "comes from (file:line, a branches: override, or the default)")
    show.add_argument("path", nargs="?", type=Path, default=None,
                      help="where `gate run` would start (default: the repository around the "
                      "current directory)")
    show.add_argument("--policy", type=Path, metavar="FILE", help="this policy file instead")
    show.add_argument("--branch", help="the effective policy for this target branch")
    show.set_defaults(func=run_show)
    validate = sub.add_parser("validate", help="check a policy file and print the effective "
                              "policy (without FILE: the one `gate run` would use)")
    validate.add_argument("file", nargs="?", default=None, type=Path)
    validate.add_argument("--branch", help="show the effective policy for this target branch")
    validate.set_defaults(func=run_validate)
    schema = sub.add_parser("schema", help="print the policy's JSON Schema")
    schema.set_defaults(func=run_schema)


def _discovered(path: Path | None, explicit: Path | None) -> LoadedPolicy:
    """The policy ``gate run [PATH] [--policy FILE]`` would apply."""
    from gate.pipeline import find_policy
    from gate.workspace import resolve_workspace

    workspace = resolve_workspace(path)
    return find_policy(workspace.root, explicit, workspace.start)


def run_show(args: argparse.Namespace) -> int:
    """Print the effective policy, one value a line, each with its origin."""
    loaded = _discovered(args.path, args.policy)
    print(f"# policy: {loaded.source or 'built-in default'}"
          + (f" (effective for branch {args.branch})" if args.branch else ""))
    for line in explain(loaded, args.branch):
        print(line)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Exit 0 and print the effective policy, or exit 2 with every problem."""
    if args.file is None:
        loaded = _discovered(None, None)
        label = loaded.source or "no .gate.yml found: the built-in default applies"
    else:
        loaded = load_policy(args.file, tuple(available_checks()))
        label = f"{args.file}: valid"
    effective = loaded.for_branch(args.branch)
    print(f"# {label}" + (f" (effective for branch {args.branch})" if args.branch else ""))
    from gate.policy.schema import dump

    print(yaml.safe_dump(dump(effective), sort_keys=False),
          end="")
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema."""
    print(json.dumps(policy_schema(), indent=2))
    return 0
