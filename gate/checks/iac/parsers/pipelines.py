"""CI pipeline files (GitHub Actions workflows, ``.gitlab-ci.yml``) -> one resource per file.

Pipeline rules walk jobs and steps themselves and point at the exact key
(``jobs.build.steps[2].uses``), so one resource per file with the full line
map is enough.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath

from gate.checks.iac.interface import Framework, ParseError, Resource, Unit
from gate.checks.iac.parsers.ignores import comment_ignores, in_span
from gate.checks.iac.parsers.yamlnodes import load_documents

__all__ = ["parse_github_actions", "parse_gitlab_ci"]


def _parse(path: str, text: str, framework: Framework, rtype: str,
           lenient: frozenset[str] = frozenset()) -> Unit:
    docs = list(load_documents(text, lenient_tags=lenient))
    if not docs:
        return Unit(framework, ())
    doc = docs[0]
    if not isinstance(doc.value, Mapping):
        raise ParseError(f"not a {rtype} file (top level is not a mapping)", doc.start_line)
    end = max(doc.end_line, 1)
    resource = Resource(
        framework=framework, path=path, type=rtype, name=PurePosixPath(path).name,
        address=path, start_line=1, end_line=end, properties=doc.value, lines=doc.lines,
        ignores=in_span(comment_ignores(text), 1, end),
    )
    return Unit(framework, (resource,))


def parse_github_actions(path: str, text: str) -> Unit:
    """A workflow file; YAML's ``on`` key stays the string ``on`` (keys are never coerced)."""
    return _parse(path, text, Framework.GITHUB_ACTIONS, "workflow")


def parse_gitlab_ci(path: str, text: str) -> Unit:
    """A ``.gitlab-ci.yml``; GitLab's ``!reference`` tag is kept as data, not an error."""
    return _parse(path, text, Framework.GITLAB_CI, "gitlab-ci", frozenset({"reference"}))
