"""``gate rules``: list the built-in IaC and pipeline rules (id, severity, practice or class,
aliases, frameworks or platforms)."""

from __future__ import annotations

import argparse
import json
import sys
from enum import Enum

from gate.checks.iac.docs import rule_record, rules_markdown
from gate.checks.iac.registry import RULES
from gate.checks.pipeline import docs as pipeline_docs
from gate.checks.pipeline.registry import RULES as PIPELINE_RULES

__all__ = ["OutputFormat", "register", "run"]


class OutputFormat(str, Enum):
    """Output formats of ``gate rules``."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``rules`` subcommand."""
    parser = subparsers.add_parser("rules", help="list the built-in IaC and pipeline rules",
                                   description=__doc__)
    parser.add_argument("--format", choices=[f.value for f in OutputFormat],
                        default=OutputFormat.TEXT.value, help="output format (default: text)")
    parser.set_defaults(func=run)


def _text() -> str:
    lines = []
    for rule in RULES:
        aliases = ",".join(rule.aliases) or "-"
        frameworks = ",".join(f.value for f in rule.frameworks())
        lines.append(f"{rule.id:<20} {rule.severity.label:<8} {rule.practice.value:<22} "
                     f"{aliases:<40} {frameworks:<28} {rule.title}")
    return "\n".join(lines) + "\n" + pipeline_docs.rules_text()


def run(args: argparse.Namespace) -> int:
    """Print the rules in the chosen format; always succeeds."""
    fmt = OutputFormat(args.format)
    if fmt is OutputFormat.JSON:
        records = [rule_record(r) for r in RULES]
        records += [pipeline_docs.rule_record(r) for r in PIPELINE_RULES]
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
    elif fmt is OutputFormat.MARKDOWN:
        sys.stdout.write(rules_markdown() + pipeline_docs.rules_markdown())
    else:
        sys.stdout.write(_text())
    return 0
