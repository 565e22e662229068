"""``gate rules``: list the built-in IaC and pipeline rules (id, severity, practice or class,
aliases, frameworks or platforms)."""

from __future__ import annotations

import argparse
import json
import shutil
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


def _text(width: int) -> str:
    """One rule a line, in fixed columns cut to ``width`` (the terminal's; ``COLUMNS`` honoured).

    The id and severity are never cut; aliases, frameworks and the practice give way
    (cut, then left out) before the title does.
    """
    from rich.text import Text

    from gate.report.text_columns import Column, grid

    rows = [[Text(rule.id), Text(rule.severity.label), Text(rule.title),
             Text(rule.practice.value), Text(",".join(f.value for f in rule.frameworks())),
             Text(",".join(rule.aliases) or "-")] for rule in RULES]
    rows += [[Text(rule.id), Text(rule.severity.label), Text(rule.title),
              Text(rule.category.value), Text(",".join(sorted(p.value for p in rule.platforms))),
              Text(",".join(rule.aliases) or "-")] for rule in PIPELINE_RULES]
    columns = [Column(40, 40), Column(8, 8), Column(40, 90, shrink=1),
               Column(10, 22, shrink=2, drop=True), Column(12, 40, shrink=3, drop=True),
               Column(10, 40, shrink=4, drop=True)]
    return "".join(line.plain + "\n" for line in grid(rows, columns, width, indent=0))


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
        sys.stdout.write(_text(max(40, shutil.get_terminal_size((120, 24)).columns)))
    return 0
