"""The IaC engine's vocabulary: frameworks, practices, resources, rules and outcomes.

Parsers turn files into :class:`Resource` objects grouped in a :class:`Unit` (a
CloudFormation template, a Terraform module directory, a Dockerfile...); rules
look at one resource at a time, with the unit at hand to follow references
(a bucket's split-out encryption resource, a WAF association). Nothing here
knows about findings: :mod:`gate.checks.iac.engine` turns outcomes into them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, ClassVar

from gate.checks.iac.frameworks import Framework
from gate.findings import RelatedLocation, Severity

__all__ = [
    "AttrPath",
    "Framework",
    "IacError",
    "InlineIgnore",
    "Outcome",
    "ParseError",
    "Practice",
    "Resource",
    "Rule",
    "Undetermined",
    "Unit",
    "Unknown",
    "Violation",
    "name_key",
]

AttrPath = tuple[str | int, ...]
"""A path into a resource's properties: keys for mappings, indexes for lists."""


class IacError(Exception):
    """Base error of the IaC engine."""


class ParseError(IacError):
    """A file could not be turned into resources; becomes a ``NotScanned`` with the line."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class Practice(str, Enum):
    """The rows of the team's IaC practice list (DESIGN.md); every rule serves exactly one."""

    ENCRYPTION_AT_REST = "encryption at rest"
    ENCRYPTION_IN_FLIGHT = "encryption in flight"
    LEAST_PRIVILEGE = "least privilege"
    BLAST_RADIUS = "small blast radius"
    VERSIONING = "versioning"
    AUDIT_LOGGING = "audit logging"
    OBSERVABILITY = "observability"
    WAF = "WAF in front"
    AUTHENTICATED_APIS = "authenticated APIs"
    PIPELINE_HYGIENE = "pipeline hygiene"
    SECRETS = "secrets out of code"
    STILL_DEPLOYS = "deploys today"


@dataclass(frozen=True)
class Unknown:
    """A value the engine cannot know statically (a parameter, a computed attribute, ``!If``).

    ``refs`` keeps the resource addresses the expression mentions, so rules can
    still follow references through it. A rule that needs the value itself
    reports :class:`Undetermined` instead of guessing a pass or a fail.
    """

    expr: str
    refs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class InlineIgnore:
    """A ``gate:ignore[...]`` comment or CloudFormation ``Metadata`` ignore seen in the source."""

    rule_ids: tuple[str, ...]
    reason: str | None
    line: int | None
    """Line of the comment; ``None`` for metadata, which applies to the whole resource."""


@dataclass(frozen=True)
class Resource:
    """One thing a rule can judge, with where it is.

    ``properties`` holds plain values (dict/list/str/int/float/bool/None) and
    :class:`Unknown`; ``lines`` maps attribute paths (relative to
    ``properties``) to their line so a finding can point at the exact attribute.
    ``names`` are literal identifiers other resources may use instead of a
    reference (a Terraform bucket's ``bucket`` name, say).
    """

    framework: Framework
    path: str
    type: str
    name: str
    address: str
    start_line: int
    end_line: int
    properties: Mapping[str, Any]
    lines: Mapping[AttrPath, int] = field(default_factory=dict)
    ignores: tuple[InlineIgnore, ...] = ()
    names: frozenset[str] = frozenset()
    unreadable: str = ""
    """Why the resource cannot be judged at all (a workload without a pod spec): every rule
    reports it as not evaluated instead of judging an empty shape."""
    via: tuple[RelatedLocation, ...] = ()
    """How the resource came to be: the ``module`` calls that instantiated it, outermost first."""
    origins: Mapping[AttrPath, tuple[str, int]] = field(default_factory=dict)
    """For a rendered resource (a Helm template, a Kustomize overlay): the file and line where
    each attribute was written; findings point there instead of at ``path``."""

    @property
    def ref_key(self) -> str:
        """The address references use: without a ``count``/``for_each`` index at the end."""
        return self.address[:self.address.rindex("[")] if self.address.endswith("]") \
            else self.address

    def origin_of(self, path: AttrPath) -> tuple[str, int] | None:
        """Where ``path`` (or its closest ancestor) was written, for a rendered resource."""
        for cut in range(len(path), -1, -1):
            found = self.origins.get(path[:cut])
            if found is not None:
                return found
        return None

    def line_of(self, path: AttrPath) -> int:
        """The line of ``path``, or of its closest known ancestor, or the resource start."""
        for cut in range(len(path), 0, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                return line
        return self.start_line


@dataclass(frozen=True)
class Unit:
    """What one parse produced: a template, a Terraform module, a Dockerfile, a workflow.

    Rules see the whole unit so they can follow references between resources
    of the same template or module, never across units.
    """

    framework: Framework
    resources: tuple[Resource, ...]
    refs_of: Mapping[str, Mapping[str, frozenset[str]]] = field(default_factory=dict)
    """address -> top-level attribute -> addresses referenced from it."""
    settings: Mapping[str, str] = field(default_factory=dict)
    """Unit-wide facts (Terraform: ``aws_provider_version``, the module's constraint)."""

    def of_type(self, *types: str) -> Iterator[Resource]:
        """Resources of the given types, in file order."""
        wanted = set(types)
        return (r for r in self.resources if r.type in wanted)

    def referrers(self, target: Resource, types: Iterable[str], attr: str) -> list[Resource]:
        """Resources of ``types`` whose ``attr`` references ``target`` (or names it).

        A reference is an expression mentioning the target (``.id``, ``.arn``,
        ``.bucket``, ``!Ref``), the target's literal name, or the very same
        unresolved expression the target's name is set from (``var.name``,
        ``local.bucket``): both then hold the same value whatever it is.
        """
        found = []
        for res in self.of_type(*types):
            refs = self.refs_of.get(res.address, {}).get(attr, frozenset())
            if target.ref_key in refs or name_key(res.properties.get(attr)) in target.names:
                found.append(res)
        return found


def name_key(value: Any) -> str | None:
    """How a name-like value is matched: the literal, or ``~expr`` for an unresolved one."""
    if isinstance(value, str):
        return value
    if isinstance(value, Unknown) and not value.refs:
        return f"~{value.expr}"
    return None


@dataclass(frozen=True)
class Violation:
    """A rule's verdict that a resource breaks it.

    ``detail`` completes the sentence ``<type> "<name>" ...``; ``at`` is the
    attribute to point at (empty: the resource itself); ``key`` tells apart
    several violations of one rule on one resource (two unpinned steps in a job).
    """

    detail: str
    at: AttrPath = ()
    key: str = ""
    aliases: tuple[str, ...] | None = None
    """The rule's Checkov aliases this violation matches, when only some do (a public-read ACL
    fails CKV_AWS_20, not the write check CKV_AWS_57); None means all of them."""
    severity: Severity | None = None
    """Overrides the rule's severity (date-based rules: the closer the date, the higher)."""
    line_offset: int = 0
    """Lines below the attribute's own line (a secret in the middle of a user data script)."""
    written: Resource | None = None
    """The resource where the flaw was written, when it is not the judged one (an
    ``aws_s3_bucket_acl`` that makes a bucket public): the finding points there, at
    ``at``, and the judged resource becomes a related location."""


@dataclass(frozen=True)
class Undetermined:
    """The rule needed a value that is unknown statically: neither a pass nor a fail."""

    detail: str
    at: AttrPath = ()


Outcome = Violation | Undetermined


class Rule(ABC):
    """A built-in IaC rule: metadata plus one ``evaluate`` over a single resource.

    Subclasses set the class attributes; ``resource_types`` selects the
    resources the engine hands to ``evaluate`` (per framework, since the type
    names differ).
    """

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    practice: ClassVar[Practice]
    rationale: ClassVar[str]
    fix: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()
    """Equivalent Checkov check ids, for cross-reference and migration."""
    resource_types: ClassVar[Mapping[Framework, frozenset[str]]]

    @classmethod
    def frameworks(cls) -> tuple[Framework, ...]:
        """The frameworks this rule covers, in the enum's order."""
        return tuple(f for f in Framework if f in cls.resource_types)

    @abstractmethod
    def evaluate(self, resource: Resource, unit: Unit) -> Iterable[Outcome]:
        """Yield a :class:`Violation` or :class:`Undetermined` per problem; nothing when fine."""
