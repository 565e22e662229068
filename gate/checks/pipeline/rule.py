"""The base of every built-in pipeline rule: its metadata and one ``evaluate`` per file.

Apart from :mod:`.interface` because a rule reads the repository's model
(:class:`~gate.checks.pipeline.model.Repo`), and the model is built from the interface's types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import ClassVar

from gate.checks.pipeline.interface import Category, Issue, Kind, PipelineFile, Platform
from gate.checks.pipeline.model import Repo
from gate.findings import Severity

__all__ = ["Rule"]


class Rule(ABC):
    """A built-in pipeline rule: metadata plus one ``evaluate`` per file."""

    id: ClassVar[str]
    title: ClassVar[str]
    severity: ClassVar[Severity]
    """The highest severity the rule reports; issues may lower it by reachability."""
    category: ClassVar[Category]
    rationale: ClassVar[str]
    fix: ClassVar[str]
    incident: ClassVar[str]
    """The public incident or research the rule comes from."""
    platforms: ClassVar[frozenset[Platform]] = frozenset({Platform.GITHUB})
    kinds: ClassVar[frozenset[Kind]] = frozenset({Kind.WORKFLOW})
    aliases: ClassVar[tuple[str, ...]] = ()
    """Checkov ids (accepted in suppressions, shown in reports)."""
    zizmor: ClassVar[tuple[str, ...]] = ()
    """zizmor audit names (and poutine rule ids) covering the same flaw."""

    @abstractmethod
    def evaluate(self, file: PipelineFile, repo: Repo) -> Iterable[Issue]:
        """Yield an :class:`Issue` per problem in ``file``; nothing when fine."""
